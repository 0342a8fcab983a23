package io.checkmark.core;

/** Sends a text message to a phone (Amazon SNS in production). */
public interface SmsSender {

  void send(String phone, String text);
}
