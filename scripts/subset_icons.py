"""Cut Bootstrap Icons down to the icons the templates use (131 KB font → a few KB).

Run after adding an icon to a template (tests/test_static_assets.py fails until then):

    npm ci --no-audit --no-fund && .venv/bin/python scripts/subset_icons.py

The full font and its name → code point map come from the pinned ``bootstrap-icons`` npm
package; the subset font and its stylesheet are written to static/vendor/bootstrap-icons/.
"""

import json
import re
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "bootstrap-icons" / "font"
TARGET = ROOT / "static" / "vendor" / "bootstrap-icons"
CSS_NAME = "bootstrap-icons.subset.css"
FONT_NAME = "fonts/bootstrap-icons.subset.woff2"
ICON_CLASS = re.compile(r"\bbi-[a-z0-9]+(?:-[a-z0-9]+)*\b")
# The rule every icon shares, as in bootstrap-icons.css.
BASE_RULE = (
    '.bi::before,[class^="bi-"]::before,[class*=" bi-"]::before{display:inline-block;'
    "font-family:bootstrap-icons!important;font-style:normal;font-weight:400!important;"
    "font-variant:normal;text-transform:none;line-height:1;vertical-align:-.125em;"
    "-webkit-font-smoothing:antialiased;-moz-osx-font-smoothing:grayscale}"
)


def template_dirs() -> list[Path]:
    return [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]


def used_icons() -> set[str]:
    """Every ``bi-*`` class named in a template."""
    names = set()
    for directory in template_dirs():
        for path in directory.rglob("*.html"):
            names.update(name[3:] for name in ICON_CLASS.findall(path.read_text()))
    return names


def main() -> int:
    codepoints = json.loads((SOURCE / "bootstrap-icons.json").read_text())
    icons = sorted(used_icons())
    unknown = [name for name in icons if name not in codepoints]
    if unknown:
        print(f"Not Bootstrap Icons: {', '.join(unknown)}", file=sys.stderr)
        return 1
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the copyright and licence names
    font = subset.load_font(str(SOURCE / "fonts" / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[codepoints[name] for name in icons])
    subsetter.subset(font)
    (TARGET / "fonts").mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(TARGET / FONT_NAME), options)
    rules = "".join(f'.bi-{name}::before{{content:"\\{codepoints[name]:x}"}}' for name in icons)
    (TARGET / CSS_NAME).write_text(
        "/*! Bootstrap Icons v1.13.2 (https://icons.getbootstrap.com/), MIT licence (LICENSE).\n"
        " * Only the icons used by the templates: regenerate with scripts/subset_icons.py. */\n"
        f'@font-face{{font-display:block;font-family:bootstrap-icons;src:url("{FONT_NAME}") '
        f'format("woff2")}}{BASE_RULE}{rules}\n'
    )
    size = (TARGET / FONT_NAME).stat().st_size
    print(f"{len(icons)} icons, {FONT_NAME}: {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
