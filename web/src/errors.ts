// One short line for every failure the user can meet: what went wrong and what to do next.

import { CheckmarkError } from "./connection";
import { MediaRejected } from "./media";

function seconds(error: CheckmarkError): string {
  return error.retryAfterSeconds === undefined ? "a moment" : `${error.retryAfterSeconds} s`;
}

export function describeError(error: unknown): string {
  if (error instanceof MediaRejected) {
    return `The file was refused: ${error.message}. Ask the sender to send it again.`;
  }
  if (!(error instanceof CheckmarkError)) {
    return error instanceof Error ? `Something failed: ${error.message}. Try again.` : "Something failed. Try again.";
  }
  switch (error.code) {
    case "NOT_CONNECTED":
      return "Not connected to the server. Try again once the status says connected.";
    case "TIMEOUT":
      return "The server did not answer in time. Try again.";
    case "UNEXPECTED_REPLY":
      return "The server sent an unexpected answer. Reload the page and try again.";
    case "BAD_REQUEST":
      return `The server refused the request (${error.message}). Check what you typed.`;
    case "UNKNOWN_ACTION":
      return "The server does not know this request: it may be older than this page.";
    case "UNAUTHORIZED":
      return "This browser is not signed in. Register or link it again.";
    case "INVALID_PHONE":
      return "That is not a valid phone number. Type it with + and the country code, e.g. +14155550101.";
    case "RATE_LIMITED":
      return `Too many requests. Wait ${seconds(error)} and try again.`;
    case "INVALID_PIN":
      return error.attemptsLeft === undefined
        ? "Wrong PIN. Check the SMS and type it again."
        : `Wrong PIN: ${error.attemptsLeft} ${error.attemptsLeft === 1 ? "try" : "tries"} left. Check the SMS and type it again.`;
    case "PIN_EXPIRED":
      return "The PIN expired. Ask for a new one.";
    case "TOO_MANY_ATTEMPTS":
      return "Too many wrong PINs. Ask for a new PIN.";
    case "UNKNOWN_RECIPIENT": {
      // The server names the first number that is not registered.
      const phone = /\+\d{8,15}/.exec(error.message)?.[0];
      return `${phone ?? "That number"} is not on Checkmark. Check the number.`;
    }
    case "MESSAGE_TOO_LARGE":
      return "The message is too large. Shorten it and send again.";
    case "DEVICE_REPLACED":
      return "Your number was registered on another device, so this browser was signed out. Register or link it again.";
    case "LINK_EXPIRED":
      return "The link code expired or its connection ended. Ask for a new code.";
    case "NOT_PRIMARY":
      return "Only your primary device (the one that registered the number) can do that.";
    case "TOO_MANY_DEVICES":
      return "This number already has four linked devices. Unlink one on the primary device, then try again.";
    case "DEVICE_UNLINKED":
      return "This browser was unlinked from your number. Link it again or register.";
    case "UNKNOWN_DEVICE":
      return "That device is not linked to your number any more.";
    case "UNKNOWN_GROUP":
      return "That group does not exist any more.";
    case "NOT_A_MEMBER":
      return "You are not a member of this group any more.";
    case "NOT_AN_ADMIN":
      return "Only the group's admins can do that.";
    case "GROUP_FULL":
      return "A group holds at most 1,024 members. Remove some and try again.";
    case "MEDIA_TOO_LARGE":
      return "The file is too large to send. Pick a smaller one.";
    case "MEDIA_NOT_FOUND":
      return "The file is no longer on the server (files are kept 30 days). Ask the sender to send it again.";
    case "INTERNAL":
      return "The server failed. Try again in a moment.";
  }
}
