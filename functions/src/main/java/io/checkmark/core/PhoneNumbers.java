package io.checkmark.core;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.checkmark.protocol.ErrorCode;
import io.checkmark.protocol.ProtocolException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which phone numbers may register: E.164 as the protocol spells it, valid by libphonenumber's
 * metadata, not a premium-rate or shared-cost number (SMS pumping's favourite targets), and in an
 * allowed country when the deployment restricts countries.
 */
public final class PhoneNumbers {

  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
  private static final Set<PhoneNumberType> REFUSED_TYPES = Set.of(PhoneNumberType.PREMIUM_RATE,
      PhoneNumberType.SHARED_COST, PhoneNumberType.UAN, PhoneNumberType.VOICEMAIL, PhoneNumberType.PAGER);

  private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
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
      number = util.parse(phone, null);
    } catch (NumberParseException e) {
      throw invalid("not a phone number");
    }
    if (!util.isPossibleNumber(number) || !util.isValidNumber(number)) {
      throw invalid("not a valid phone number");
    }
    if (REFUSED_TYPES.contains(util.getNumberType(number))) {
      throw invalid("this kind of number cannot receive a PIN");
    }
    if (!allowedCountryCodes.isEmpty() && !allowedCountryCodes.contains(number.getCountryCode())) {
      throw invalid("numbers from this country cannot register here");
    }
    return phone;
  }

  /** True for a well-formed E.164 string, without the full validation: for logins of registered numbers. */
  public static boolean looksLikeE164(String phone) {
    return phone != null && E164.matcher(phone).matches();
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_PHONE, message);
  }
}
