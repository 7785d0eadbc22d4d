/**
 * Decoding of the bytes of a Procfile or env file into text, shared by both parsers so they agree on
 * BOMs, UTF-16 and invalid UTF-8.
 */

/** The result of {@link decodeConfigText}: `text` with line endings normalised to `\n`, or an
 * `error` message (then `text` is empty) telling the user to save the file as UTF-8. */
export interface DecodedText {
  text: string;
  error?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes file bytes as strict UTF-8. A UTF-8 BOM is stripped (a deliberate difference from Foreman,
 * which would make the BOM part of the first name). UTF-16 (by its BOM, or by NUL bytes) and invalid
 * UTF-8 give an `error` instead of text. `\r\n` becomes `\n` (Foreman's `gsub("\r\n", "\n")`).
 * Never throws.
 *
 * @param input the raw bytes (or already-decoded text, e.g. an editor's unsaved buffer)
 */
export function decodeConfigText(input: Uint8Array | string): DecodedText {
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    if (input.length >= 2 && ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff))) {
      return { text: '', error: 'the file is UTF-16; save it as UTF-8' };
    }
    try {
      text = strictUtf8.decode(input); // strips a UTF-8 BOM (ignoreBOM: false)
    } catch {
      return { text: '', error: 'the file is not valid UTF-8; save it as UTF-8' };
    }
  }
  if (text.includes('\0')) return { text: '', error: 'the file contains NUL bytes (UTF-16 or binary?); save it as UTF-8 text' };
  return { text: text.replace(/\r\n/g, '\n') };
}
