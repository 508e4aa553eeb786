"""The text of the simple PDF files fpdf2 writes, as a reader extracts it: enough to check a text layer.

Each embedded font's ToUnicode map turns the two-byte glyph codes of the page's strings back into
characters. Strings are decoded with every map in the file; a string meant for another font decodes to
noise, which no test looks for.
"""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _streams(pdf):
    for raw in STREAM.findall(pdf):
        try:
            yield zlib.decompress(raw)
        except zlib.error:
            yield raw


def _unicode_maps(streams):
    maps = []
    for stream in streams:
        if b"beginbfchar" not in stream:
            continue
        mapping = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for first, last, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset in range(int(last, 16) - int(first, 16) + 1):
                    mapping[int(first, 16) + offset] = chr(int(start, 16) + offset)
        maps.append(mapping)
    return maps


def _literal_strings(content):
    """The (...) strings of a content stream, unescaped."""
    strings, index = [], 0
    while (index := content.find(b"(", index)) != -1:
        depth, value, index = 1, bytearray(), index + 1
        while depth:
            byte = content[index]
            if byte == ord("\\"):
                index += 1
                escaped = content[index]
                if ord("0") <= escaped <= ord("7"):
                    digits = re.match(rb"[0-7]{1,3}", content[index:index + 3]).group()
                    value.append(int(digits, 8))
                    index += len(digits) - 1
                else:
                    value.append(ESCAPES.get(escaped, escaped))
            elif byte == ord("(") or byte == ord(")"):
                depth += 1 if byte == ord("(") else -1
                if depth:
                    value.append(byte)
            else:
                value.append(byte)
            index += 1
        strings.append(bytes(value))
    return strings


def pdf_texts(pdf):
    """The page text decoded with each font's map, one string per map."""
    streams = list(_streams(pdf))
    contents = [stream for stream in streams if b" Tj" in stream or b" TJ" in stream]
    strings = [string for content in contents for string in _literal_strings(content)]
    texts = []
    for mapping in _unicode_maps(streams):
        texts.append("\n".join(
            "".join(mapping.get(int.from_bytes(string[i:i + 2], "big"), "\ufffd") for i in range(0, len(string), 2))
            for string in strings
        ))
    if not texts:  # the built-in Helvetica: Latin-1 strings, no map
        texts.append("\n".join(string.decode("latin-1") for string in strings))
    return texts
