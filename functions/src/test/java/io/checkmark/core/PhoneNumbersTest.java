package io.checkmark.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  private final PhoneNumbers anyCountry = new PhoneNumbers(Set.of());

  @ParameterizedTest
  @ValueSource(strings = {"+14155550123", "+33612345678", "+4915112345678", "+447911123456"})
  void validNumbersPass(String phone) {
    assertThat(anyCountry.requireValid(phone)).isEqualTo(phone);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "+1415555O123", // a letter O
        "call me maybe",
        "14155550123", // no +
        "+1415", // too short
        "+0123456789", // no country starts with 0
        "+1415555012345678", // 16 digits
        "+15551234567", // well-formed, but no such area code
        "+19005550123", // US premium rate
        "+449098790000", // UK premium rate
        " +14155550123",
        ""
      })
  void invalidOrRefusedNumbersGetInvalidPhone(String phone) {
    assertThatThrownBy(() -> anyCountry.requireValid(phone))
        .isInstanceOfSatisfying(
            Refusal.class, e -> assertThat(e.reason()).isEqualTo(Refusal.Reason.INVALID_PHONE));
  }

  @Test
  void threeHundredCharactersGetInvalidPhone() {
    assertThatThrownBy(() -> anyCountry.requireValid("+" + "1".repeat(299)))
        .isInstanceOfSatisfying(
            Refusal.class, e -> assertThat(e.reason()).isEqualTo(Refusal.Reason.INVALID_PHONE));
  }

  @Test
  void nullGetsInvalidPhone() {
    assertThatThrownBy(() -> anyCountry.requireValid(null)).isInstanceOf(Refusal.class);
  }

  @Test
  void countryAllowListRefusesOtherCountries() {
    PhoneNumbers usAndUk = new PhoneNumbers(Set.of(1, 44));

    assertThat(usAndUk.requireValid("+14155550123")).isEqualTo("+14155550123");
    assertThatThrownBy(() -> usAndUk.requireValid("+33612345678"))
        .isInstanceOfSatisfying(
            Refusal.class, e -> assertThat(e.reason()).isEqualTo(Refusal.Reason.INVALID_PHONE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+4407911123456", "+44 7911 123456", "+44 (0)7911-123456"})
  void requireValidAnswersTheCanonicalFormOfEverySpelling(String spelling) {
    assertThat(anyCountry.requireValid(spelling)).isEqualTo("+447911123456");
  }

  @Test
  void lettersAreNotReadAsKeypadDigits() {
    assertThat(PhoneNumbers.canonical("+1415555ABCD")).isEmpty();
  }

  @Test
  void callingCodeOfACanonicalNumber() {
    assertThat(PhoneNumbers.callingCode("+447911123456")).isEqualTo(44);
    assertThat(PhoneNumbers.callingCode("+14155550123")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"+14155550123", "+1 415 555 0123", "+1-415-555-0123", "+1 (415) 555-0123"})
  void spellingsOfOneNumberHaveOneCanonicalForm(String spelling) {
    assertThat(PhoneNumbers.canonical(spelling)).contains("+14155550123");
  }

  @Test
  void aTrunkPrefixAfterTheCountryCodeIsTheSameNumber() {
    assertThat(PhoneNumbers.canonical("+4407911123456")).contains("+447911123456");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "14155550123",
        "+15551234567",
        "+1415",
        "call me",
        "+1415555012345678999999999999999999"
      })
  void invalidNumbersHaveNoCanonicalForm(String phone) {
    assertThat(PhoneNumbers.canonical(phone)).isEmpty();
  }
}
