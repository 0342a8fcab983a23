package io.checkmark.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.constructs.Construct;

/** What every bucket of the stack has: no public access, owner-enforced, encrypted, TLS only. */
final class PrivateBuckets {

  private PrivateBuckets() {}

  /**
   * A bucket with all public access blocked, ACLs off (the bucket owner owns every object) and
   * SSE-S3 encryption at rest.
   */
  static CfnBucket.Builder builder(Construct scope, String id) {
    return CfnBucket.Builder.create(scope, id)
        .publicAccessBlockConfiguration(
            CfnBucket.PublicAccessBlockConfigurationProperty.builder()
                .blockPublicAcls(true)
                .blockPublicPolicy(true)
                .ignorePublicAcls(true)
                .restrictPublicBuckets(true)
                .build())
        .ownershipControls(
            CfnBucket.OwnershipControlsProperty.builder()
                .rules(
                    List.of(
                        CfnBucket.OwnershipControlsRuleProperty.builder()
                            .objectOwnership("BucketOwnerEnforced")
                            .build()))
                .build())
        .bucketEncryption(
            CfnBucket.BucketEncryptionProperty.builder()
                .serverSideEncryptionConfiguration(
                    List.of(
                        CfnBucket.ServerSideEncryptionRuleProperty.builder()
                            .serverSideEncryptionByDefault(
                                CfnBucket.ServerSideEncryptionByDefaultProperty.builder()
                                    .sseAlgorithm("AES256")
                                    .build())
                            .build()))
                .build());
  }

  /** The bucket policy statement that denies every request made without TLS. */
  static Map<String, Object> tlsOnly(CfnBucket bucket) {
    return Map.of(
        "Sid",
        "TlsOnly",
        "Effect",
        "Deny",
        "Principal",
        "*",
        "Action",
        "s3:*",
        "Resource",
        List.of(bucket.getAttrArn(), bucket.getAttrArn() + "/*"),
        "Condition",
        Map.of("Bool", Map.of("aws:SecureTransport", false)));
  }
}
