"""A bounded first pass over a PDF, before any PDF library parses it.

PDF parsers build an object for every array, dictionary and number they meet,
and decompress every stream they are asked about. A 26 KB file whose object
streams unpack to hundreds of thousands of tiny arrays took 30 s of CPU and
800 MB in pypdf. This pass reads the file once, front to back, and keeps a
budget for the *whole file* while it reads:

- indirect objects (``n 0 obj`` and the ``/N`` of every object stream);
- containers (arrays and dictionaries) and tokens of object syntax;
- nesting depth of arrays and dictionaries;
- decoded bytes of every compressed stream (decompressed incrementally, never
  more than the budget left), and bytes of object syntax after decoding;
- image sizes declared by ``/Width`` and ``/Height``.

It stops and refuses as soon as any budget runs out, so a hostile file costs
at most the budget, not what it asks for. Object streams are decoded and
scanned the same way (that is where the hostile arrays hide). Streams with
filters this pass cannot bound (LZW, RunLength, or filters given by
reference) are refused rather than trusted. The pass does not judge what the
objects mean; that is the disarming step's work, with pikepdf, once the file
is known to fit.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

from credentials.disarm.errors import Refusal


@dataclass(frozen=True)
class PdfBudget:
    max_objects: int = 20_000
    max_containers: int = 20_000
    max_tokens: int = 1_000_000
    max_depth: int = 32
    max_syntax_bytes: int = 4 * 1024 * 1024
    max_decoded_bytes: int = 64 * 1024 * 1024
    # A stream inflating more than this many times over (past its first megabyte) is a bomb;
    # page content and fonts compress 2 to 10 times.
    max_inflate_ratio: int = 200
    max_image_pixels: int = 40_000_000
    max_steps: int = 100_000


@dataclass
class Spent:
    """What the file has used so far (reported to the benchmark and tests)."""

    objects: int = 0
    containers: int = 0
    tokens: int = 0
    max_depth_seen: int = 0
    syntax_bytes: int = 0
    decoded_bytes: int = 0
    steps: int = 0
    streams: int = 0
    object_streams: int = 0
    notes: list[str] = field(default_factory=list)


UNUSUAL = "The PDF is built in an unusual way; print it to a new PDF (or scan it again) and upload that."
TOO_COMPLEX = (
    "The PDF is far more complex than a scanned or printed document; "
    "print it to a new PDF (or scan it again) and upload that."
)
_STRUCT = re.compile(rb"%|\(|<<|>>|<|\[|\]|\bstream(?:\r\n|\n|\r)|\bendobj\b|\bobj\b")
_TOKEN_ENDS = (b" ", b"\n", b"\r", b"\t", b"/", b"[", b"]", b"<", b">", b"(", b")")
_STRING_PART = re.compile(rb"[()\\]")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()]+|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/<>\[\]()]+)")
_INT_KEY = {
    key: re.compile(rb"/" + key + rb"\s+(\d{1,12})(?!\s+\d+\s+R)")
    for key in (b"Length", b"N", b"First", b"Width", b"Height")
}
_ENDSTREAM = re.compile(rb"\s*endstream")
_DECODED_FILTERS = frozenset({"FlateDecode", "Fl", "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85"})
# Image codecs: the renderer decodes them (inside the sandbox), bounded by the declared size.
_IMAGE_FILTERS = frozenset({"DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode"})
_CHUNK = 1024 * 1024


def scan_pdf(data: bytes, budget: PdfBudget | None = None) -> Spent:
    """Walk ``data`` within ``budget``; raise ``Refusal`` the moment it runs out."""
    scanner = _Scanner(budget or PdfBudget())
    if b"/Encrypt" in data:
        raise Refusal("upload_pdf_encrypted", "The PDF is password-protected; upload it without a password.")
    # Counted in C before the walk: " obj" opens every indirect object.
    if data.count(b" obj") > scanner.budget.max_objects * 5 // 4:
        raise scanner._too_complex("objects")
    scanner.walk(data, in_object_stream=False)
    if scanner.spent.objects == 0:
        raise Refusal("upload_damaged", "The PDF could not be read; it may be damaged.")
    return scanner.spent


class _Scanner:
    def __init__(self, budget: PdfBudget) -> None:
        self.budget = budget
        self.spent = Spent()

    def _too_complex(self, what: str) -> Refusal:
        self.spent.notes.append(what)
        return Refusal("upload_pdf_complex", TOO_COMPLEX)

    def _step(self) -> None:
        self.spent.steps += 1
        if self.spent.steps > self.budget.max_steps:
            raise self._too_complex("steps")

    def _syntax(self, chunk: bytes) -> None:
        """Count object syntax at C speed: its bytes, and an upper bound of its tokens
        (every token ends at whitespace or a delimiter)."""
        self.spent.syntax_bytes += len(chunk)
        if self.spent.syntax_bytes > self.budget.max_syntax_bytes:
            raise self._too_complex("syntax bytes")
        self.spent.tokens += 1 + sum(chunk.count(c) for c in _TOKEN_ENDS)
        if self.spent.tokens > self.budget.max_tokens:
            raise self._too_complex("tokens")

    def _precheck_object_stream(self, decoded: bytes) -> None:
        """Before walking decoded objects one token at a time, bound what the walk could
        meet with counts done in C: a file of a few hundred thousand tiny arrays is refused
        here without a Python loop over them. Brackets inside strings are counted too, so
        the bound allows a quarter more than the budget."""
        self._syntax(decoded)
        brackets = decoded.count(b"[") + decoded.count(b"<<")
        if self.spent.containers + brackets > self.budget.max_containers * 5 // 4:
            raise self._too_complex("containers")
        if decoded.count(b"(") > self.budget.max_steps:
            raise self._too_complex("strings")

    def _objects(self, count: int) -> None:
        self.spent.objects += count
        if self.spent.objects > self.budget.max_objects:
            raise self._too_complex("objects")

    def walk(self, data: bytes, *, in_object_stream: bool) -> None:
        pos = 0
        depth = 0
        dict_start = -1  # where the outermost dictionary of the current object began
        syntax_from = 0
        end = len(data)
        while pos < end:
            match = _STRUCT.search(data, pos)
            if match is None:
                break
            self._step()
            token = match.group()
            start = match.start()
            pos = match.end()
            if token == b"%":
                newline = _next_newline(data, pos)
                pos = newline
            elif token == b"(":
                pos = self._skip_string(data, pos)
            elif token == b"<":
                close = data.find(b">", pos)
                pos = end if close < 0 else close + 1
            elif token in (b"<<", b"["):
                depth += 1
                self.spent.containers += 1
                self.spent.max_depth_seen = max(self.spent.max_depth_seen, depth)
                if depth > self.budget.max_depth:
                    raise self._too_complex("nesting")
                if self.spent.containers > self.budget.max_containers:
                    raise self._too_complex("containers")
                if token == b"<<" and depth == 1:
                    dict_start = start
            elif token in (b">>", b"]"):
                depth = max(0, depth - 1)
            elif token == b"obj":
                depth = 0
                if not in_object_stream:
                    self._objects(1)
            elif token == b"endobj":
                depth = 0
            else:  # the stream keyword
                if in_object_stream:
                    raise Refusal("upload_damaged", UNUSUAL)
                self._syntax(data[syntax_from:start])
                dictionary = data[dict_start:start] if dict_start >= 0 else b""
                pos = self._stream(data, pos, dictionary)
                syntax_from = pos
                depth = 0
                dict_start = -1
        if not in_object_stream:  # an object stream's bytes were counted before the walk
            self._syntax(data[syntax_from:])

    def _skip_string(self, data: bytes, pos: int) -> int:
        """Past a literal string: balanced parentheses, backslash escapes."""
        level = 1
        while level:
            match = _STRING_PART.search(data, pos)
            if match is None:
                return len(data)
            self._step()
            char = match.group()
            pos = match.end()
            if char == b"\\":
                pos += 1
            elif char == b"(":
                level += 1
                if level > self.budget.max_depth:
                    raise self._too_complex("string nesting")
            else:
                level -= 1
        return pos

    def _stream(self, data: bytes, pos: int, dictionary: bytes) -> int:
        """Handle one stream whose data starts at ``pos``; return where scanning resumes."""
        self.spent.streams += 1
        info = _decoded_names(dictionary)
        length = _int(info, b"Length")
        stop = -1
        if length is not None and pos + length <= len(data) and _ENDSTREAM.match(data, pos + length):
            stop = pos + length
        if stop < 0:
            found = data.find(b"endstream", pos)
            stop = len(data) if found < 0 else found
        raw = data[pos:stop]
        after = data.find(b"endstream", stop)
        resume = len(data) if after < 0 else after + len(b"endstream")

        width, height = _int(info, b"Width"), _int(info, b"Height")
        if width is not None and height is not None and width * height > self.budget.max_image_pixels:
            raise Refusal(
                "upload_image_too_big",
                "An image in the PDF has too many pixels; scan at 300 dpi and upload that.",
            )
        filters = _filters(info)
        object_stream = re.search(rb"/Type\s*/ObjStm\b", info) is not None
        keep = object_stream
        unbounded = [f for f in filters if f not in _DECODED_FILTERS and f not in _IMAGE_FILTERS]
        if unbounded:
            raise Refusal("upload_damaged", UNUSUAL)
        if object_stream and any(f in _IMAGE_FILTERS for f in filters):
            raise Refusal("upload_damaged", UNUSUAL)
        decodable = []
        for name in filters:
            if name in _IMAGE_FILTERS:
                break  # image data: the renderer decodes it, bounded by its declared size
            decodable.append(name)
        if re.search(rb"/Subtype\s*/Image\b", info) and not object_stream:
            return resume  # bounded by its declared size above; nothing here parses its pixels
        decoded = self._decode(raw, decodable, keep=keep) if decodable else (raw if keep else b"")
        if object_stream:
            self.spent.object_streams += 1
            declared = _int(info, b"N")
            if declared is None or _int(info, b"First") is None:
                raise Refusal("upload_damaged", UNUSUAL)
            if re.search(rb"/Predictor\s+([2-9]|1\d)", info):
                raise Refusal("upload_damaged", UNUSUAL)
            self._objects(declared)
            self._precheck_object_stream(decoded)
            self.walk(decoded, in_object_stream=True)
        return resume

    def _decode(self, raw: bytes, filters: list[str], *, keep: bool) -> bytes:
        """Apply ``filters`` in order, counting every decoded byte against the budget."""
        data = raw
        for index, name in enumerate(filters):
            last = index == len(filters) - 1
            keep_this = keep or not last
            if name in ("FlateDecode", "Fl"):
                data = self._inflate(data, keep=keep_this)
            elif name in ("ASCIIHexDecode", "AHx"):
                data = _ascii_hex(data)
                self._count_decoded(len(data))
            else:
                data = _ascii85(data)
                self._count_decoded(len(data))
        return data

    def _count_decoded(self, size: int) -> None:
        self.spent.decoded_bytes += size
        if self.spent.decoded_bytes > self.budget.max_decoded_bytes:
            raise self._too_complex("decoded bytes")

    def _inflate(self, raw: bytes, *, keep: bool) -> bytes:
        inflater = zlib.decompressobj()
        parts: list[bytes] = []
        pending = raw
        produced = 0
        while pending:
            self._step()
            left = self.budget.max_decoded_bytes - self.spent.decoded_bytes
            try:
                piece = inflater.decompress(pending, max(1, min(_CHUNK, left + 1)))
            except zlib.error:
                if keep:
                    raise Refusal("upload_damaged", "The PDF could not be read; it may be damaged.") from None
                break  # a damaged image or page stream: the disarming step decides
            self._count_decoded(len(piece))
            produced += len(piece)
            consumed = len(raw) - len(inflater.unconsumed_tail)
            if produced > _CHUNK and produced > self.budget.max_inflate_ratio * max(1, consumed):
                raise self._too_complex("inflate ratio")
            if keep:
                parts.append(piece)
                if sum(map(len, parts)) > self.budget.max_syntax_bytes:
                    raise self._too_complex("object stream size")
            pending = inflater.unconsumed_tail
            if not piece and not pending:
                break
            if inflater.eof:
                break
        return b"".join(parts)


def _next_newline(data: bytes, pos: int) -> int:
    ends = [i for i in (data.find(b"\n", pos), data.find(b"\r", pos)) if i >= 0]
    return min(ends) + 1 if ends else len(data)


def _decoded_names(dictionary: bytes) -> bytes:
    """``#xx`` escapes in names decoded, so ``/F#69lter`` is read as ``/Filter``."""
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary)


def _int(info: bytes, key: bytes) -> int | None:
    match = _INT_KEY[key].search(info)
    return int(match.group(1)) if match else None


def _filters(info: bytes) -> list[str]:
    match = _FILTER.search(info)
    if match is None:
        return []
    value = match.group(1)
    if value.endswith(b"R") and not value.startswith((b"/", b"[")):
        raise Refusal("upload_damaged", UNUSUAL)  # a filter given by reference cannot be checked here
    return [name.decode("latin-1") for name in _NAME.findall(value)]


def _ascii_hex(data: bytes) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode("ascii"))


def _ascii85(data: bytes) -> bytes:
    body = data.strip()
    if body.startswith(b"<~"):
        body = body[2:]
    body = body.split(b"~>", 1)[0]
    try:
        return base64.a85decode(body, ignorechars=b" \t\n\r\x0b\x0c")
    except ValueError:
        raise Refusal("upload_damaged", "The PDF could not be read; it may be damaged.") from None
