package io.checkmark.bench.probe;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The Lambda context (and its logger) of the probe's single invocation. */
public final class ProbeContext implements Context, LambdaLogger {

  @Override
  public String getAwsRequestId() {
    return "cold-start-probe";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/SendFunction";
  }

  @Override
  public String getLogStreamName() {
    return "probe";
  }

  @Override
  public String getFunctionName() {
    return "SendFunction";
  }

  @Override
  public String getFunctionVersion() {
    return "1";
  }

  @Override
  public String getInvokedFunctionArn() {
    return "arn:aws:lambda:us-east-1:000000000000:function:SendFunction:live";
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
    return 10_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }

  @Override
  public LambdaLogger getLogger() {
    return this;
  }

  @Override
  public void log(String message) {
    System.err.print(message);
  }

  @Override
  public void log(byte[] message) {
    System.err.write(message, 0, message.length);
  }
}
