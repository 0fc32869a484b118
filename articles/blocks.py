"""Split sanitized body HTML into top-level blocks at save time.

Pages insert inline ads "after paragraph N" by counting blocks whose kind is "p", so the
reader's request never parses HTML.
"""
from html.parser import HTMLParser

VOID = {"br", "hr", "img"}


class _BlockSplitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[dict] = []
        self.depth = 0
        self.current: list[str] = []
        self.kind = ""

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        if self.depth == 0:
            self.kind = tag
            self.current = []
        self.current.append(raw)
        if tag not in VOID:
            self.depth += 1
        elif self.depth == 0:
            self._close()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.current.append(f"</{tag}>")
        self.depth = max(0, self.depth - 1)
        if self.depth == 0:
            self._close()

    def handle_data(self, data):
        if self.depth == 0:
            if data.strip():
                self.blocks.append({"kind": "p", "html": f"<p>{data.strip()}</p>"})
            return
        self.current.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def _close(self):
        self.blocks.append({"kind": self.kind, "html": "".join(self.current)})
        self.current = []


def split_blocks(html: str) -> list[dict]:
    parser = _BlockSplitter()
    parser.feed(html or "")
    parser.close()
    return parser.blocks
