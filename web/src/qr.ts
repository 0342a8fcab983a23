import qrcode from "qrcode-generator";

/** The dark modules of a QR code of `text`, as one SVG path in module units, and its size. */
export function qrPath(text: string): { size: number; path: string } {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const size = code.getModuleCount();
  let path = "";
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (code.isDark(row, column)) {
        path += `M${column} ${row}h1v1h-1z`;
      }
    }
  }
  return { size, path };
}
