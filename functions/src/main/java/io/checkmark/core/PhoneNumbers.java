package io.checkmark.core;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ProtocolException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which phone numbers may register: E.164 as the protocol spells it, valid by libphonenumber's
 * metadata, not a premium-rate or shared-cost number (SMS pumping's favourite targets), and in an
 * allowed country when the deployment restricts countries.
 */
public final class PhoneNumbers {

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
  /** libphonenumber parses at most 250 characters; a phone field longer than this is not a number. */
  private static final int MAX_RAW_CHARS = 32;
  private static final Set<PhoneNumberType> REFUSED_TYPES = Set.of(PhoneNumberType.PREMIUM_RATE,
      PhoneNumberType.SHARED_COST, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL, PhoneNumberType.PAGER);

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private final Set<Integer> allowedCountryCodes;

  /** @param allowedCountryCodes calling codes (1, 44, ...) that may register; empty allows all */
  public PhoneNumbers(Set<Integer> allowedCountryCodes) {
    this.allowedCountryCodes = Set.copyOf(allowedCountryCodes);
  }

  /** Returns the number when it may register; otherwise {@code INVALID_PHONE}. */
  public String requireValid(String phone) {
    if (phone == null || !E164.matcher(phone).matches()) {
      throw invalid("a phone number is + and 8 to 15 digits (E.164)");
    }
    PhoneNumber number;
    try {
      number = UTIL.parse(phone, null);
    } catch (NumberParseException e) {
      throw invalid("not a phone number");
    }
    if (!UTIL.isPossibleNumber(number) || !UTIL.isValidNumber(number)) {
      throw invalid("not a valid phone number");
    }
    if (REFUSED_TYPES.contains(UTIL.getNumberType(number))) {
      throw invalid("this kind of number cannot receive a PIN");
    }
    if (!allowedCountryCodes.isEmpty() && !allowedCountryCodes.contains(number.getCountryCode())) {
      throw invalid("numbers from this country cannot register here");
    }
    return phone;
  }

  /**
   * The canonical E.164 form of a valid international number ({@code +} first), or empty. Two
   * spellings of one number (a national trunk prefix after the country code, spaces, dashes) give
   * the same canonical form, so everything keyed by a phone is keyed by this.
   */
  public static Optional<String> canonical(String phone) {
    if (phone == null || phone.length() > MAX_RAW_CHARS || !phone.startsWith("+")) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(phone, null);
      return UTIL.isValidNumber(number) ? Optional.of(UTIL.format(number, PhoneNumberFormat.E164)) : Optional.empty();
    } catch (NumberParseException notANumber) {
      return Optional.empty();
    }
  }

  /** True for a well-formed E.164 string, without the full validation: for logins of registered numbers. */
  public static boolean looksLikeE164(String phone) {
    return phone != null && E164.matcher(phone).matches();
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_PHONE, message);
  }
}
