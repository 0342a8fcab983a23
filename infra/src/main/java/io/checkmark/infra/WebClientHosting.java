package io.checkmark.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CfnDistribution;
import software.amazon.awscdk.services.cloudfront.CfnOriginAccessControl;
import software.amazon.awscdk.services.cloudfront.CfnResponseHeadersPolicy;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.CfnBucketPolicy;

/**
 * The web client on a private bucket behind CloudFront, as template.yaml has it when its {@code
 * WebClient} parameter is {@code 'true'}: the bucket, readable only by the distribution (origin
 * access control) and only over TLS; the distribution, which caches the bundle's scripts and styles
 * at the edge but never the page or its {@code config.json}; security headers whose
 * Content-Security-Policy lets the page reach only its own origin, this stack's WebSocket API and
 * its media bucket; and the outputs that an upload needs. Every resource and output is under the
 * given condition, built directly in the stack so that the logical ids are template.yaml's.
 */
final class WebClientHosting {

  private static final String ORIGIN = "WebClientBucket";

  /**
   * The page's Content-Security-Policy, an {@code Fn::Sub} text: presigned media URLs may use S3's
   * regional or global endpoint, and decrypted media shows as {@code blob:} URLs.
   */
  private static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data: blob:",
          "media-src 'self' blob:",
          "connect-src 'self' wss://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
              + " https://${MediaBucket}.s3.${AWS::Region}.${AWS::URLSuffix}"
              + " https://${MediaBucket}.s3.${AWS::URLSuffix}",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'");

  private WebClientHosting() {}

  static void addTo(Stack stack, CfnCondition hostsWebClient, CfnParameter priceClass) {
    CfnBucket bucket = PrivateBuckets.builder(stack, "WebClientBucket").build();
    bucket.getCfnOptions().setCondition(hostsWebClient);
    CfnOriginAccessControl originAccessControl =
        CfnOriginAccessControl.Builder.create(stack, "WebClientOriginAccessControl")
            .originAccessControlConfig(
                CfnOriginAccessControl.OriginAccessControlConfigProperty.builder()
                    .name(accountWideName())
                    .description("Checkmark web client, CloudFront's signed reads of its bucket")
                    .originAccessControlOriginType("s3")
                    .signingBehavior("always")
                    .signingProtocol("sigv4")
                    .build())
            .build();
    originAccessControl.getCfnOptions().setCondition(hostsWebClient);
    CfnResponseHeadersPolicy headers = responseHeaders(stack);
    headers.getCfnOptions().setCondition(hostsWebClient);
    String uncached = CachePolicy.CACHING_DISABLED.getCachePolicyId();
    String cached = CachePolicy.CACHING_OPTIMIZED.getCachePolicyId();
    CfnDistribution distribution =
        CfnDistribution.Builder.create(stack, "WebClientDistribution")
            .distributionConfig(
                CfnDistribution.DistributionConfigProperty.builder()
                    .enabled(true)
                    .comment("Checkmark web client")
                    .defaultRootObject("index.html")
                    .httpVersion("http2and3")
                    .ipv6Enabled(true)
                    .priceClass(priceClass.getValueAsString())
                    .origins(
                        List.of(
                            CfnDistribution.OriginProperty.builder()
                                .id(ORIGIN)
                                .domainName(bucket.getAttrRegionalDomainName())
                                .originAccessControlId(originAccessControl.getAttrId())
                                .s3OriginConfig(
                                    CfnDistribution.S3OriginConfigProperty.builder()
                                        .originAccessIdentity("")
                                        .build())
                                .build()))
                    // The page (at / as at /index.html) and config.json take effect as soon as
                    // they are uploaded; the bundle's scripts and styles are cached until an
                    // invalidation.
                    .defaultCacheBehavior(
                        CfnDistribution.DefaultCacheBehaviorProperty.builder()
                            .targetOriginId(ORIGIN)
                            .viewerProtocolPolicy("redirect-to-https")
                            .cachePolicyId(uncached)
                            .responseHeadersPolicyId(headers.getRef())
                            .compress(true)
                            .build())
                    .cacheBehaviors(
                        List.of(
                            cachedFiles("*.js", cached, headers),
                            cachedFiles("*.css", cached, headers)))
                    .build())
            .build();
    distribution.getCfnOptions().setCondition(hostsWebClient);
    CfnBucketPolicy policy =
        CfnBucketPolicy.Builder.create(stack, "WebClientBucketPolicy")
            .bucket(bucket.getRef())
            .policyDocument(
                Map.of(
                    "Version",
                    "2012-10-17",
                    "Statement",
                    List.of(
                        Map.of(
                            "Sid",
                            "ReadByTheDistribution",
                            "Effect",
                            "Allow",
                            "Principal",
                            Map.of("Service", "cloudfront.amazonaws.com"),
                            "Action",
                            "s3:GetObject",
                            "Resource",
                            bucket.getAttrArn() + "/*",
                            "Condition",
                            Map.of(
                                "StringEquals",
                                Map.of(
                                    "AWS:SourceArn",
                                    Fn.sub(
                                        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebClientDistribution}")))),
                        PrivateBuckets.tlsOnly(bucket))))
            .build();
    policy.getCfnOptions().setCondition(hostsWebClient);

    CfnOutput.Builder.create(stack, "WebClientUrl")
        .condition(hostsWebClient)
        .description("The hosted web client, once its files are uploaded.")
        .value(Fn.sub("https://${WebClientDistribution.DomainName}/"))
        .build();
    CfnOutput.Builder.create(stack, "WebClientBucketName")
        .condition(hostsWebClient)
        .description("Bucket to upload the web client's files to.")
        .value(bucket.getRef())
        .build();
    CfnOutput.Builder.create(stack, "WebClientDistributionId")
        .condition(hostsWebClient)
        .description("Distribution to invalidate after an upload.")
        .value(distribution.getRef())
        .build();
    CfnOutput.Builder.create(stack, "WebClientConfig")
        .condition(hostsWebClient)
        .description("The web client's config.json, to upload beside its index.html.")
        .value(
            Fn.sub(
                "{\"webSocketUrl\":\"wss://${WebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${StageName}\"}"))
        .build();
  }

  /**
   * CloudFront names are unique in the account across regions: {@code web-client-} and the stack
   * id's UUID keeps stacks of one name in two regions apart.
   */
  private static String accountWideName() {
    return Fn.join("", List.of("web-client-", Fn.select(2, Fn.split("/", Aws.STACK_ID))));
  }

  /**
   * The page's security headers, and {@code Cache-Control: no-cache} unless a file was uploaded
   * with its own: browsers revalidate every file on each load (a 304 from the edge when unchanged),
   * so a new upload shows at the next reload.
   */
  private static CfnResponseHeadersPolicy responseHeaders(Stack stack) {
    return CfnResponseHeadersPolicy.Builder.create(stack, "WebClientResponseHeadersPolicy")
        .responseHeadersPolicyConfig(
            CfnResponseHeadersPolicy.ResponseHeadersPolicyConfigProperty.builder()
                .name(accountWideName())
                .comment("Checkmark web client, security headers and browser revalidation")
                .securityHeadersConfig(
                    CfnResponseHeadersPolicy.SecurityHeadersConfigProperty.builder()
                        .contentSecurityPolicy(
                            CfnResponseHeadersPolicy.ContentSecurityPolicyProperty.builder()
                                .contentSecurityPolicy(Fn.sub(CONTENT_SECURITY_POLICY))
                                .override(true)
                                .build())
                        .contentTypeOptions(
                            CfnResponseHeadersPolicy.ContentTypeOptionsProperty.builder()
                                .override(true)
                                .build())
                        .frameOptions(
                            CfnResponseHeadersPolicy.FrameOptionsProperty.builder()
                                .frameOption("DENY")
                                .override(true)
                                .build())
                        .referrerPolicy(
                            CfnResponseHeadersPolicy.ReferrerPolicyProperty.builder()
                                .referrerPolicy("no-referrer")
                                .override(true)
                                .build())
                        .strictTransportSecurity(
                            CfnResponseHeadersPolicy.StrictTransportSecurityProperty.builder()
                                .accessControlMaxAgeSec(31_536_000)
                                .override(true)
                                .build())
                        .build())
                .customHeadersConfig(
                    CfnResponseHeadersPolicy.CustomHeadersConfigProperty.builder()
                        .items(
                            List.of(
                                CfnResponseHeadersPolicy.CustomHeaderProperty.builder()
                                    .header("Cache-Control")
                                    .value("no-cache")
                                    .override(false)
                                    .build()))
                        .build())
                .build())
        .build();
  }

  private static CfnDistribution.CacheBehaviorProperty cachedFiles(
      String pathPattern, String cachePolicyId, CfnResponseHeadersPolicy headers) {
    return CfnDistribution.CacheBehaviorProperty.builder()
        .pathPattern(pathPattern)
        .targetOriginId(ORIGIN)
        .viewerProtocolPolicy("redirect-to-https")
        .cachePolicyId(cachePolicyId)
        .responseHeadersPolicyId(headers.getRef())
        .compress(true)
        .build();
  }
}
