package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Lambda {@link Context} of one invocation outside Lambda: the local stack's, the tests' and
 * the cold-start probe's (which runs with nothing but the Lambda jar, so this class lives in it).
 * The remaining time counts down from the function's timeout; the logger writes to standard output.
 */
public final class OutsideLambdaContext implements Context {

  private static final LambdaLogger CONSOLE_LOGGER =
      new LambdaLogger() {
        @Override
        public void log(String message) {
          System.out.print(message);
        }

        @Override
        public void log(byte[] message) {
          log(new String(message, StandardCharsets.UTF_8));
        }
      };

  private final String requestId = UUID.randomUUID().toString();
  private final String functionName;
  private final String functionArn;
  private final int memoryMegabytes;
  private final long deadlineMillis;

  public OutsideLambdaContext(
      String functionName, String functionArn, int memoryMegabytes, int timeoutSeconds) {
    this.functionName = functionName;
    this.functionArn = functionArn;
    this.memoryMegabytes = memoryMegabytes;
    this.deadlineMillis = System.currentTimeMillis() + timeoutSeconds * 1000L;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local/[$LATEST]" + requestId.replace("-", "");
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return functionArn;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
  }

  @Override
  public int getMemoryLimitInMB() {
    return memoryMegabytes;
  }

  @Override
  public LambdaLogger getLogger() {
    return CONSOLE_LOGGER;
  }
}
