package io.checkmark.local;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The AWS SDK's side of {@link Invocation}: loaded by every SDK client in this process as a global
 * interceptor (from {@code software/amazon/awssdk/global/handlers/execution.interceptors}), it
 * tells the invocation running on the calling thread of each call it makes and each DynamoDB call
 * that succeeded. Calls on other threads (the stack's own, a test's) pass untouched. The functions'
 * code knows nothing of it; in Lambda the local stack is not on the class path.
 */
public final class InvocationCrashes implements ExecutionInterceptor {

  private static final String DYNAMODB = "DynamoDb";

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    Invocation.current()
        .ifPresent(
            invocation ->
                invocation.beforeCall(
                    attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                    attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (DYNAMODB.equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
      Invocation.current()
          .ifPresent(
              invocation ->
                  invocation.afterDynamoDbSuccess(
                      attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
    }
  }
}
