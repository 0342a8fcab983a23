/**
 * A phone number as typed (spaces, dashes, dots, brackets, a leading 00) in E.164 form, or
 * undefined when it cannot be one; the server then checks it against its country's plan.
 */
export function normalizePhone(typed: string): string | undefined {
  let phone = typed.replace(/[\s\-.()]/g, "");
  if (phone.startsWith("00")) {
    phone = `+${phone.slice(2)}`;
  }
  return /^\+[1-9]\d{7,14}$/.test(phone) ? phone : undefined;
}

/** Phones separated by commas, semicolons or spaces; the ones that cannot be numbers apart. */
export function parsePhoneList(typed: string): { phones: string[]; invalid: string[] } {
  const phones: string[] = [];
  const invalid: string[] = [];
  // Spaces inside one number ("+1 415 555 0101") are common: split on separators first, then join
  // groups of digits that do not start with + to the number before them.
  for (const part of typed.split(/[,;\n]+/)) {
    const words = part.trim().split(/\s+/).filter((word) => word !== "");
    let current = "";
    const flush = () => {
      if (current === "") {
        return;
      }
      const phone = normalizePhone(current);
      if (phone === undefined) {
        invalid.push(current);
      } else if (!phones.includes(phone)) {
        phones.push(phone);
      }
      current = "";
    };
    for (const word of words) {
      if (word.startsWith("+") || word.startsWith("00")) {
        flush();
      }
      current += word;
    }
    flush();
  }
  return { phones, invalid };
}
