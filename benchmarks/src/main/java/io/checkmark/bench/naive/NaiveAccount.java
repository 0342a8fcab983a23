package io.checkmark.bench.naive;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;

/** An Accounts item as a reflective bean. */
@DynamoDbBean
public class NaiveAccount {
  private String phone;
  private String keyHash;
  private Long keyGeneration;

  @DynamoDbPartitionKey
  public String getPhone() {
    return phone;
  }

  public void setPhone(String phone) {
    this.phone = phone;
  }

  public String getKeyHash() {
    return keyHash;
  }

  public void setKeyHash(String keyHash) {
    this.keyHash = keyHash;
  }

  public Long getKeyGeneration() {
    return keyGeneration;
  }

  public void setKeyGeneration(Long keyGeneration) {
    this.keyGeneration = keyGeneration;
  }
}
