package io.checkmark.local;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * The one HTTP port's plain requests (WebSocket upgrades are taken before they get here), sent
 * where an AWS SDK pointed at {@code AWS_ENDPOINT_URL} expects them: DynamoDB's JSON protocol by
 * its {@code X-Amz-Target} header (to the wrapped DynamoDB Local handler), SSM's {@code
 * GetParameter} and Secrets Manager's {@code GetSecretValue} by the same header, the management API
 * by its {@code @connections} path, SNS's query protocol by its form body, LocalStack's SMS and
 * push listings, the call marking a push token invalid and the fault plan by their paths; what is
 * left to read is the web client's.
 */
final class EdgeHandler extends Handler.Wrapper {

  private final ManagementApi managementApi;
  private final SmsCapture sms;
  private final PushCapture pushes;
  private final PlatformEndpoints pushEndpoints;
  private final SnsQueryApi sns;
  private final SsmParameters ssm;
  private final LocalSecrets secrets;
  private final String stagePath;
  private final DynamoDbFaults dynamoDbFaults;
  private final FaultsEndpoint faults;
  private final WebClientFiles webClient;

  EdgeHandler(
      String stage,
      Handler dynamoDb,
      ManagementApi managementApi,
      SmsCapture sms,
      PushCapture pushes,
      PlatformEndpoints pushEndpoints,
      SsmParameters ssm,
      LocalSecrets secrets,
      DynamoDbFaults dynamoDbFaults,
      Faults faults) {
    super(dynamoDb);
    this.dynamoDbFaults = dynamoDbFaults;
    this.faults = new FaultsEndpoint(faults);
    this.managementApi = managementApi;
    this.sms = sms;
    this.pushes = pushes;
    this.pushEndpoints = pushEndpoints;
    this.sns = new SnsQueryApi(sms, pushEndpoints, faults);
    this.ssm = ssm;
    this.secrets = secrets;
    this.stagePath = "/" + stage;
    this.webClient = new WebClientFiles(stagePath);
    // Started and stopped with this handler.
    addBean(webClient);
  }

  @Override
  public void setServer(Server server) {
    super.setServer(server);
    webClient.setServer(server);
  }

  private static boolean isRead(Request request) {
    return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String target = request.getHeaders().get("X-Amz-Target");
    if (target != null && target.startsWith("DynamoDB")) {
      if (getHandler() != null) {
        return dynamoDbFaults.handle(request, response, callback, getHandler());
      }
      HttpResponses.message(
          response,
          callback,
          404,
          "DynamoDB is served by the external endpoint this stack was started with");
      return true;
    }
    if (target != null && target.startsWith(SsmParameters.TARGET_PREFIX)) {
      ssm.handle(request, response, callback, target);
      return true;
    }
    if (target != null && target.startsWith(LocalSecrets.TARGET_PREFIX)) {
      secrets.handle(target, request, response, callback);
      return true;
    }
    String path = Request.getPathInContext(request);
    if (ManagementApi.matches(path)) {
      managementApi.handle(request, response, callback);
    } else if (SmsCapture.MESSAGES_PATH.equals(path)) {
      sms.handleMessages(request, response, callback);
    } else if (PushCapture.MESSAGES_PATH.equals(path)) {
      pushes.handleMessages(request, response, callback);
    } else if (FaultsEndpoint.PATH.equals(path)) {
      faults.handle(request, response, callback);
    } else if (PlatformEndpoints.INVALID_TOKENS_PATH.equals(path)) {
      pushEndpoints.handleInvalidTokens(request, response, callback);
    } else if ("POST".equals(request.getMethod()) && "/".equals(path) && isForm(request)) {
      sns.handle(request, response, callback);
    } else {
      String stageUrl = "ws://" + request.getHeaders().get(HttpHeader.HOST) + stagePath;
      if (isRead(request) && webClient.serve(request, response, callback)) {
        return true;
      }
      if (stagePath.equals(path)) {
        HttpResponses.message(
            response,
            callback,
            426,
            stagePath
                + " is the stage's WebSocket endpoint: connect with a WebSocket client, for"
                + " example wscat -c "
                + stageUrl);
      } else {
        HttpResponses.message(
            response,
            callback,
            404,
            "nothing is served at " + path + "; the WebSocket stage is " + stageUrl);
      }
    }
    return true;
  }

  private static boolean isForm(Request request) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    return contentType != null && contentType.startsWith("application/x-www-form-urlencoded");
  }
}
