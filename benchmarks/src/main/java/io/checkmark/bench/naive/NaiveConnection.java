package io.checkmark.bench.naive;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;

/** A Connections row as a reflective bean. */
@DynamoDbBean
public class NaiveConnection {
  private String id;
  private String phone;
  private Long keyGeneration;

  @DynamoDbPartitionKey
  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  @DynamoDbSecondaryPartitionKey(indexNames = "devicesByPhone")
  public String getPhone() {
    return phone;
  }

  public void setPhone(String phone) {
    this.phone = phone;
  }

  public Long getKeyGeneration() {
    return keyGeneration;
  }

  public void setKeyGeneration(Long keyGeneration) {
    this.keyGeneration = keyGeneration;
  }
}
