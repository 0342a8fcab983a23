package io.checkmark.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.checkmark.template.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;

/** The synthesized CDK stack, checked with CDK's assertions. */
class CheckmarkStackTest {

  @Test
  void webSocketApiRoutesByAction() {
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::ApiGatewayV2::Api",
        Map.of("ProtocolType", "WEBSOCKET", "RouteSelectionExpression", "$request.body.action"));
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::ApiGatewayV2::Route", 29);
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::ApiGatewayV2::RouteResponse", 27);
  }

  @Test
  void routeOfTheTemplateThatThisStackGrantsNothingStopsTheSynthesis(@TempDir Path directory)
      throws IOException {
    Path template = Path.of(System.getProperty("checkmark.template"));
    Path renamed = directory.resolve("template.yaml");
    Files.writeString(renamed, Files.readString(template).replace("PingFunction", "PongFunction"));

    assertThatThrownBy(
            () ->
                new CheckmarkStack(
                    new App(),
                    "Checkmark",
                    StackProps.builder().build(),
                    SynthesizedStack.FUNCTION_JAR.toString(),
                    SamTemplate.load(renamed)))
        .hasMessageContaining("route ping to PongFunction")
        .hasMessageContaining("grants()");
  }

  @Test
  void functionsRunJava21OnArm64WithSnapStartBehindALiveAlias() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::Lambda::Function", 31);
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Runtime",
            "java21",
            "Architectures",
            List.of("arm64"),
            "MemorySize",
            1024,
            "SnapStart",
            Map.of("ApplyOn", "PublishedVersions")));
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::Lambda::Function", Map.of("Properties", Map.of("Timeout", 10))))
        .as("every route's function")
        .hasSize(29);
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::Lambda::Function", Map.of("Properties", Map.of("Timeout", 60))))
        .as(
            "the fan-out, which writes and pushes a 1,024-member group's copies, and the notifier,"
                + " which may push 100 phones a batch")
        .hasSize(2);
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::Lambda::Alias", 31);
    SynthesizedStack.TEMPLATE.allResourcesProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
  }

  @Test
  void everyPermissionIsScopedToThisApi() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::Lambda::Permission", 29);
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::Lambda::Permission",
        Map.of("Principal", "apigateway.amazonaws.com", "SourceArn", Match.anyValue()));
  }

  @Test
  void tablesAreOnDemandWithPointInTimeRecoveryAndDeletionProtectionAsAParameter() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::DynamoDB::Table", 9);
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "BillingMode", "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
            "DeletionProtectionEnabled", Map.of("Ref", "DeletionProtection")));
  }

  @Test
  void mediaBucketIsPrivateEncryptedExpiringAndReachableOnlyOverTls() {
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::S3::Bucket", Map.of("Condition", Match.absent())))
        .containsOnlyKeys("MediaBucket");
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "PublicAccessBlockConfiguration",
            Map.of(
                "BlockPublicAcls", true,
                "BlockPublicPolicy", true,
                "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true),
            "OwnershipControls",
            Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))),
            "BucketEncryption",
            Map.of(
                "ServerSideEncryptionConfiguration",
                List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
            "LifecycleConfiguration",
            Map.of(
                "Rules",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Status",
                            "Enabled",
                            "ExpirationInDays",
                            30,
                            "AbortIncompleteMultipartUpload",
                            Map.of("DaysAfterInitiation", 1)))))));
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Map.of(
            "Bucket",
            Map.of("Ref", "MediaBucket"),
            "PolicyDocument",
            Map.of(
                "Statement",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Effect",
                            "Deny",
                            "Action",
                            "s3:*",
                            "Condition",
                            Map.of("Bool", Map.of("aws:SecureTransport", false))))))));
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(Map.of("MEDIA_BUCKET", Map.of("Ref", "MediaBucket"))))));
    SynthesizedStack.TEMPLATE.hasOutput(
        "MediaBucketName", Map.of("Value", Map.of("Ref", "MediaBucket")));
  }

  @Test
  void webClientIsHostedOnlyWhenAskedOnAPrivateBucketThatOnlyItsDistributionReads() {
    SynthesizedStack.TEMPLATE.hasParameter(
        "WebClient", Map.of("Default", "false", "AllowedValues", List.of("true", "false")));
    SynthesizedStack.TEMPLATE.hasParameter(
        "WebClientPriceClass", Map.of("Default", "PriceClass_100"));
    Map<String, Map<String, Object>> hosting = new TreeMap<>();
    for (String type :
        List.of(
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
            "AWS::CloudFront::OriginAccessControl",
            "AWS::CloudFront::ResponseHeadersPolicy",
            "AWS::CloudFront::Distribution")) {
      hosting.putAll(
          SynthesizedStack.TEMPLATE.findResources(type, Map.of("Condition", "HostsWebClient")));
    }
    assertThat(hosting)
        .containsOnlyKeys(
            "WebClientBucket",
            "WebClientBucketPolicy",
            "WebClientOriginAccessControl",
            "WebClientResponseHeadersPolicy",
            "WebClientDistribution");
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::CloudFront::Distribution",
        Map.of(
            "DistributionConfig",
            Match.objectLike(
                Map.of(
                    "Origins",
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "DomainName",
                                Map.of(
                                    "Fn::GetAtt", List.of("WebClientBucket", "RegionalDomainName")),
                                "OriginAccessControlId",
                                Map.of(
                                    "Fn::GetAtt", List.of("WebClientOriginAccessControl", "Id"))))),
                    "DefaultCacheBehavior",
                    Match.objectLike(
                        Map.of(
                            "ViewerProtocolPolicy",
                            "redirect-to-https",
                            "CachePolicyId",
                            "4135ea2d-6df8-44a3-9df3-4b5a84be39ad")),
                    "CacheBehaviors",
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "PathPattern",
                                "*.js",
                                "CachePolicyId",
                                "658327ea-f89d-4fab-a63d-7e88639e58f6")),
                        Match.objectLike(
                            Map.of(
                                "PathPattern",
                                "*.css",
                                "CachePolicyId",
                                "658327ea-f89d-4fab-a63d-7e88639e58f6")))))));
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Map.of(
            "Bucket",
            Map.of("Ref", "WebClientBucket"),
            "PolicyDocument",
            Match.objectLike(
                Map.of(
                    "Statement",
                    Match.arrayWith(
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Effect",
                                    "Allow",
                                    "Principal",
                                    Map.of("Service", "cloudfront.amazonaws.com"),
                                    "Action",
                                    "s3:GetObject",
                                    "Condition",
                                    Map.of(
                                        "StringEquals",
                                        Map.of("AWS:SourceArn", Match.anyValue()))))))))));
    for (String output :
        List.of(
            "WebClientUrl", "WebClientBucketName", "WebClientDistributionId", "WebClientConfig")) {
      SynthesizedStack.TEMPLATE.hasOutput(output, Map.of("Condition", "HostsWebClient"));
    }
  }

  @Test
  void onlyRequestUploadMayPutMediaAndNoFunctionMayListIt() {
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::IAM::Policy",
                Map.of(
                    "Properties",
                    Map.of(
                        "PolicyDocument",
                        Map.of(
                            "Statement",
                            Match.arrayWith(
                                List.of(Match.objectLike(Map.of("Action", "s3:PutObject")))))))))
        .hasSize(1)
        .allSatisfy((id, policy) -> assertThat(id).startsWith("RequestUploadFunction"));
    assertThat(SynthesizedStack.json().get("Resources").toString())
        .doesNotContain("s3:ListBucket", "s3:DeleteObject");
  }

  @Test
  void canaryDeploymentsRollBackOnTheAlarms() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 31);
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::CodeDeploy::DeploymentGroup",
        Map.of(
            "AlarmConfiguration", Match.objectLike(Map.of("Enabled", true)),
            "AutoRollbackConfiguration", Match.objectLike(Map.of("Enabled", true))));
    assertThat(SynthesizedStack.json().toString())
        .contains("CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assertThat(SynthesizedStack.TEMPLATE.findResources("AWS::CodeDeploy::DeploymentGroup"))
        .as("the error alarm and the four throttles alarms")
        .allSatisfy(
            (id, group) ->
                assertThat((List<?>) alarmConfiguration(group).get("Alarms")).hasSize(5));
  }

  @Test
  void throttlesAlarmsWatchEveryFunctionWithinCloudWatchsTenMetricsEach() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::CloudWatch::Alarm", 8);
    Map<String, Map<String, Object>> metricMath =
        SynthesizedStack.TEMPLATE.findResources(
            "AWS::CloudWatch::Alarm", Map.of("Properties", Map.of("Metrics", Match.anyValue())));
    assertThat(metricMath)
        .containsOnlyKeys(
            "FunctionThrottlesAlarm",
            "FunctionThrottlesAlarm2",
            "FunctionThrottlesAlarm3",
            "FunctionThrottlesAlarm4");
    Map<String, Long> metricsByAlarm = new TreeMap<>();
    metricMath.forEach(
        (id, alarm) ->
            metricsByAlarm.put(
                id,
                ((List<?>) ((Map<?, ?>) alarm.get("Properties")).get("Metrics"))
                    .stream()
                        .filter(query -> ((Map<?, ?>) query).containsKey("MetricStat"))
                        .count()));
    assertThat(metricsByAlarm)
        .as("31 functions, 10 to an alarm")
        .containsExactly(
            Map.entry("FunctionThrottlesAlarm", 10L),
            Map.entry("FunctionThrottlesAlarm2", 10L),
            Map.entry("FunctionThrottlesAlarm3", 10L),
            Map.entry("FunctionThrottlesAlarm4", 1L));
  }

  @Test
  void testNumbersParameterIsReadableOnlyWhenNamedAndNothingWaitsForThatGrant() {
    Map<String, Map<String, Object>> grants =
        SynthesizedStack.TEMPLATE.findResources(
            "AWS::IAM::Policy", Map.of("Condition", "HasTestNumbers"));
    assertThat(grants)
        .as("requestPin's, the only function that uses test numbers")
        .hasSize(1)
        .allSatisfy(
            (id, grant) ->
                assertThat(grant.toString())
                    .contains("Action=ssm:GetParameter", "parameter${TestNumbersParameterName}")
                    .doesNotContain("kms:"));
    // A resource that depended on a grant left out (no parameter named) would fail the deploy; the
    // function reads the parameter at its first request, not at start-up, so it needs no such wait.
    assertThat(SynthesizedStack.json().get("Resources").toString())
        .doesNotContainPattern("DependsOn=\\[[^]]*(" + String.join("|", grants.keySet()) + ")");
  }

  @Test
  void pushReachesSnsOnlyWhenAPlatformApplicationIsGivenAndNothingWaitsForThatGrant() {
    Map<String, Map<String, Object>> grants =
        SynthesizedStack.TEMPLATE.findResources("AWS::IAM::Policy", Map.of("Condition", "HasPush"));
    assertThat(grants.keySet())
        .as("registerPush's, unregisterPush's, the notifier's and disconnect's")
        .hasSize(4)
        .anyMatch(id -> id.startsWith("RegisterPushFunctionPushPolicy"))
        .anyMatch(id -> id.startsWith("UnregisterPushFunctionPushPolicy"))
        .anyMatch(id -> id.startsWith("NotifyFunctionPushPolicy"))
        .anyMatch(id -> id.startsWith("DisconnectFunctionPushPolicy"));
    assertThat(grants)
        .allSatisfy(
            (id, grant) ->
                assertThat(grant.toString())
                    .contains(
                        "sns:", "Fn::If=[HasApns,", "Fn::If=[HasApnsSandbox,", "Fn::If=[HasFcm,"));
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::IAM::Policy", Map.of("Condition", Match.absent())))
        .as("only requestPin's SMS goes to SNS without a platform application given")
        .allSatisfy(
            (id, policy) -> {
              if (id.startsWith("RequestPinFunction")) {
                assertThat(policy.toString())
                    .as("its SMS may go anywhere but to a push endpoint")
                    .contains(
                        "{Action=sns:Publish, Effect=Deny, Resource={Fn::Sub=arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*}}");
              } else {
                assertThat(policy.toString()).doesNotContain("sns:");
              }
            });
    assertThat(SynthesizedStack.json().get("Resources").toString())
        .doesNotContainPattern("DependsOn=\\[[^]]*(" + String.join("|", grants.keySet()) + ")");
  }

  @Test
  void everyFunctionLogsToItsOwnGroupKeptForLogRetentionDays() {
    SynthesizedStack.TEMPLATE.resourceCountIs("AWS::Logs::LogGroup", 32);
    SynthesizedStack.TEMPLATE.allResourcesProperties(
        "AWS::Lambda::Function",
        Map.of(
            "LoggingConfig",
            Map.of("LogGroup", Map.of("Ref", Match.stringLikeRegexp(".*FunctionLogGroup.*")))));
    assertThat(
            SynthesizedStack.TEMPLATE.findResources(
                "AWS::Logs::LogGroup",
                Map.of("Properties", Map.of("RetentionInDays", Map.of("Ref", "LogRetentionDays")))))
        .hasSize(31);
  }

  @Test
  void stageLogsAccessAndThrottlesByDefault() {
    SynthesizedStack.TEMPLATE.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Map.of(
            "AccessLogSettings", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
            "DefaultRouteSettings",
                Map.of(
                    "ThrottlingBurstLimit",
                    2000,
                    "ThrottlingRateLimit",
                    1000,
                    "DetailedMetricsEnabled",
                    true)));
  }

  private static Map<?, ?> alarmConfiguration(Map<String, Object> group) {
    return (Map<?, ?>) ((Map<?, ?>) group.get("Properties")).get("AlarmConfiguration");
  }
}
