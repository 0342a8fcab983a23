package io.checkmark.core;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which phone numbers may register: international numbers, valid by libphonenumber's metadata, not
 * a premium-rate or shared-cost number (SMS pumping's favourite targets), and in an allowed country
 * when the deployment restricts countries.
 */
public final class PhoneNumbers {

  private static final Pattern INTERNATIONAL = Pattern.compile("\\+[0-9][0-9 ().-]*");

  /**
   * No phone number, however spelled with spaces and dashes, is longer: longer input is refused
   * before parsing.
   */
  private static final int MAX_RAW_CHARS = 32;

  private static final Set<PhoneNumberType> REFUSED_TYPES =
      Set.of(
          PhoneNumberType.PREMIUM_RATE,
          PhoneNumberType.SHARED_COST,
          PhoneNumberType.UAN,
          PhoneNumberType.VOICEMAIL,
          PhoneNumberType.PAGER);

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private final Set<Integer> allowedCountryCodes;

  /**
   * @param allowedCountryCodes calling codes (1, 44, ...) that may register; empty allows all
   */
  public PhoneNumbers(Set<Integer> allowedCountryCodes) {
    this.allowedCountryCodes = Set.copyOf(allowedCountryCodes);
  }

  /**
   * The canonical E.164 form of the number when it may register; otherwise {@code INVALID_PHONE}.
   * Everything registration keys by a phone (accounts, limits, PINs, the SMS) is keyed by this.
   */
  public String requireValid(String phone) {
    PhoneNumber number =
        parse(phone)
            .orElseThrow(() -> invalid("not a valid international phone number (+ and digits)"));
    if (REFUSED_TYPES.contains(UTIL.getNumberType(number))) {
      throw invalid("this kind of number cannot receive a PIN");
    }
    if (!allowedCountryCodes.isEmpty() && !allowedCountryCodes.contains(number.getCountryCode())) {
      throw invalid("numbers from this country cannot register here");
    }
    return UTIL.format(number, PhoneNumberFormat.E164);
  }

  /**
   * The canonical E.164 form of a valid international number ({@code +} first), or empty. Two
   * spellings of one number (a national trunk prefix after the country code, spaces, dashes) give
   * the same canonical form, so everything keyed by a phone is keyed by this.
   */
  public static Optional<String> canonical(String phone) {
    return parse(phone).map(number -> UTIL.format(number, PhoneNumberFormat.E164));
  }

  /** The country calling code (1, 44, ...) of a canonical number. */
  public static int callingCode(String canonicalPhone) {
    return parse(canonicalPhone)
        .orElseThrow(() -> new IllegalArgumentException("not a canonical phone number"))
        .getCountryCode();
  }

  /**
   * A valid number written internationally: {@code +}, then digits with optional spaces, dashes,
   * dots or parentheses. Letters are refused: libphonenumber would read them as a keypad's digits.
   */
  private static Optional<PhoneNumber> parse(String phone) {
    if (phone == null
        || phone.length() > MAX_RAW_CHARS
        || !INTERNATIONAL.matcher(phone).matches()) {
      return Optional.empty();
    }
    try {
      PhoneNumber number = UTIL.parse(phone, null);
      return UTIL.isValidNumber(number) ? Optional.of(number) : Optional.empty();
    } catch (NumberParseException notANumber) {
      return Optional.empty();
    }
  }

  private static Refusal invalid(String message) {
    return Refusal.of(Refusal.Reason.INVALID_PHONE, message);
  }
}
