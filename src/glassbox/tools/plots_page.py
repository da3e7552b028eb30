"""DVC's plots page, offline: the template `dvc plots show` and `dvc plots diff` fill in.

DVC's own page loads Vega, Vega-Lite and Vega-Embed from a CDN, so without the network it
shows nothing. This writes a page template with the three libraries inlined, taken from
vl-convert's bundle (their versions follow the locked vl-convert-python), and .dvc/config
names it (`plots.html_template`), so every `dvc plots show / diff` page opens offline.

    python -m glassbox.tools.plots_page .dvc/plots_offline.html   # make does this on install
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from glassbox.atomic_io import atomic_write

# DVC replaces these in the template (dvc_render.html.HTML): the charts, and the refresh tag
# of `dvc plots show --refresh`. Leaving out `{scripts}` keeps DVC's CDN script tags out.
PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
{refresh_tag}
<title>DVC plots</title>
<script>VEGA_BUNDLE</script>
<style>table { border-spacing: 15px; } body { font-family: sans-serif; }</style>
</head>
<body>
{plot_divs}
</body>
</html>
"""


def page() -> str:
    import vl_convert

    bundle = vl_convert.javascript_bundle()  # sets window.vega, vegaLite and vegaEmbed
    for placeholder in ("{plot_divs}", "{scripts}", "{refresh_tag}"):
        if placeholder in bundle:  # DVC would fill it in inside the library's code
            raise RuntimeError(f"vl-convert's bundle contains {placeholder}; cannot inline it")
    bundle = bundle.replace("</script", "<\\/script")  # the bundle's strings must not end the tag
    return PAGE.replace("VEGA_BUNDLE", bundle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="the template's path (.dvc/config names it)")
    options = parser.parse_args(argv)
    with atomic_write(options.target, "w", encoding="utf-8") as out:
        out.write(page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
