"""The book in the theme's dark mode: a dark page, readable text, and no figure drawn dark-on-dark.

Dark mode is switched on the way pydata-sphinx-theme 0.17 does it: the theme keeps the reader's
choice in localStorage ("mode" and "theme"), an inline script in <head> copies it to
``data-mode``/``data-theme`` on <html> before the first paint, and the theme's JS applies it again
(``setTheme``). An init script stores the same keys before the page loads.

A figure is measured twice, from its rendered pixels (an element screenshot at device scale 2):

* as the reader sees it, inside the frame the theme gives cell-output images in dark mode;
* without that frame (background and padding removed), i.e. the PNG itself on the dark page, as
  JupyterLab's dark theme or an image opened on its own shows it. The theme's frame hides a
  transparent figure, this view does not.

Its background is the dominant colour of its outer ring, its ink the darkest pixels. Every page of
_toc.yml is checked; screenshots go to _build/screenshots/dark (first screen, first figure) and
light (first figure); the light first screens are test_built_book's.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scripts.toc import ROOT, toc_notebooks
from tests.browser.test_built_book import CHAPTER_PAGES, PAGES, open_page

#: WCAG 2.1 AA contrast for normal-size text (1.4.3). Figure text is 8-11 pt drawn at about half
#: size in the page, so the text threshold applies to the figure's ink and to the page's text.
MIN_TEXT_CONTRAST = 4.5
#: WCAG 2.1 non-text contrast (1.4.11): a figure's background must stand apart from the page.
MIN_BACKGROUND_CONTRAST = 3.0
#: Share of a figure's pixels, darkest first, taken as its ink (percent). The text, spines and
#: ticks of a sparse chart cover 1-3 % of it; at 2 % the percentile already falls into coloured
#: lines and the light grid, at 0.5 % it is text and axes.
INK_PERCENT = 0.5
#: Figures are measured at device scale factor 2, i.e. at about their natural resolution (a
#: 1442 px wide figure is drawn 672 CSS px wide). At 1x its 4-px-high text is a blur whose darkest
#: 0.5 % measured 5.0:1 or 11.9:1 depending on the figure's sub-pixel position; at 2x, 11.8 or more.
SCALE = 2
#: Width in pixels of the outer ring whose dominant colour is the figure's background (the
#: figure's own margin, or the theme's frame around it).
RING = 4
#: The page background counts as dark below this relative luminance (white text on it > 10:1).
MAX_DARK_LUMINANCE = 0.05

FIGURES = ".bd-article div.cell_output img"
#: Measurement only: the theme's dark-mode frame removed, the sticky header out of the way.
WITHOUT_FRAME = (".bd-content div.cell_output img {background-color: transparent !important;"
                 " padding: 0 !important; border-radius: 0 !important}")
NO_STICKY_HEADER = ".bd-header-article, .bd-header, .skip-link {visibility: hidden !important}"

# Every text node of the article: its colour (faded by its ancestors' opacity) over the background
# it is drawn on (the stack of ancestors' background colours down to the first opaque one), as WCAG
# contrast ratios.
TEXT_CONTRAST_JS = """(min) => {
  const rgba = (s) => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = (c) => { const f = (v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const backdrop = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]); };
  const where = (el) => { const names = [];
    for (let e = el; e && names.length < 4; e = e.parentElement) {
      const cls = typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '';
      names.push(e.tagName.toLowerCase() + cls); }
    return names.join(' < '); };
  const seen = new Set(), low = [];
  const walker = document.createTreeWalker(document.querySelector('.bd-article'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const ink = rgba(style.color), bg = backdrop(el), fg = over([...ink.slice(0, 3), ink[3] * opacity], bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
    if (ratio < min) low.push(`${ratio.toFixed(2)} ${style.color} on rgb(${bg.slice(0, 3).map(Math.round)})`
                              + ` in ${where(el)}: "${n.textContent.trim().slice(0, 40)}"`);
  }
  return {checked: seen.size, low};
}"""


def luminance(rgb) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) in 0-255."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(l1: float, l2: float) -> float:
    """WCAG contrast ratio of two relative luminances (1 to 21)."""
    high, low = max(l1, l2), min(l1, l2)
    return (high + 0.05) / (low + 0.05)


def css_rgb(value: str) -> tuple[int, int, int]:
    """``rgb(18, 18, 18)`` -> (18, 18, 18)."""
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", value)[:3])


def body_colour(page) -> tuple[int, int, int]:
    """The page's background: the computed background colour of <body>."""
    return css_rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def background_and_ink(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    """The dominant colour of the image's outer ring and the luminance of its darkest pixels."""
    ring = np.concatenate([pixels[:RING].reshape(-1, 3), pixels[-RING:].reshape(-1, 3),
                           pixels[:, :RING].reshape(-1, 3), pixels[:, -RING:].reshape(-1, 3)])
    bins = (ring // 16).astype(int) @ np.array([256, 16, 1])
    background = ring[bins == np.bincount(bins).argmax()].mean(axis=0)
    ink = float(np.percentile(luminance(pixels.reshape(-1, 3)), INK_PERCENT))
    return background, ink


def measure_figure(png: bytes, page_luminance: float) -> dict:
    """A rendered figure (element screenshot): its background, ink contrast and background contrast."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    background, ink = background_and_ink(pixels)
    back = float(luminance(background))
    return {"background": tuple(int(v) for v in background.round()), "ink_luminance": ink,
            "ink": contrast(back, ink), "page": contrast(back, page_luminance)}


def figure_problems(m: dict) -> list[str]:
    """Why a measured figure reads dark-on-dark; empty if it reads well."""
    problems = []
    if m["ink"] < MIN_TEXT_CONTRAST:
        problems.append(f"ink contrast {m['ink']:.2f} < {MIN_TEXT_CONTRAST} (background "
                        f"rgb{m['background']}, darkest {INK_PERCENT}% luminance {m['ink_luminance']:.3f})")
    if m["page"] < MIN_BACKGROUND_CONTRAST:
        problems.append(f"background rgb{m['background']} too close to the page's: "
                        f"contrast {m['page']:.2f} < {MIN_BACKGROUND_CONTRAST}")
    return problems


def use_mode(page, mode: str) -> None:
    """Store the reader's choice as the theme's JS does, before any page of this context loads."""
    page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")


def open_in_mode(page, url: str, mode: str) -> None:
    """Open ``url`` (offline, see open_page) in ``mode``; the theme must have applied it to <html>."""
    use_mode(page, mode)
    response, _ = open_page(page, url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
    state = page.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]")
    assert state == [mode, mode], f"{url}: data-mode/data-theme are {state}, not {mode}"


def shot_path(screenshots_dir, mode: str, path: str, suffix: str = ""):
    """_build/screenshots/<mode>/<page><suffix>.png (the folder is made)."""
    (screenshots_dir / mode).mkdir(exist_ok=True)
    return str(screenshots_dir / mode / path.split("/")[-1].replace(".html", f"{suffix}.png"))


def show_first_figure(page) -> bool:
    """Scroll the first figure to the middle of the screen; False if the page has none."""
    figures = page.locator(FIGURES)
    if not figures.count():
        return False
    figures.first.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    return True


def open_every_answer(page) -> None:
    """Unfold every dropdown (sphinx-design) and every solution (sphinx-togglebutton)."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    buttons = page.locator("div.solution.dropdown button.toggle-button")
    for i in range(buttons.count()):
        buttons.nth(i).click()
    page.wait_for_timeout(300)


def text_problems(page, path: str) -> list[str]:
    """Texts of the article, every answer unfolded and the math typeset, below 4.5:1."""
    open_every_answer(page)
    page.wait_for_function("() => !document.querySelector('.bd-article .math') || "
                           "document.querySelectorAll('.MathJax_MathML math').length > 0", timeout=20_000)
    result = page.evaluate(TEXT_CONTRAST_JS, MIN_TEXT_CONTRAST)
    if result["checked"] < 10:
        return [f"{path}: only {result['checked']} text elements found"]
    more = [f"{path}: ... and {len(result['low']) - 20} more"] if len(result["low"]) > 20 else []
    return [f"{path}: text contrast {low}" for low in result["low"][:20]] + more


def figure_problems_on_page(page, path: str, expected: int) -> tuple[list[str], list[str]]:
    """Each figure measured as shown and without the theme's frame: (summaries, problems).
    ``expected``: the PNGs the page's HTML shows, which the selector must all find."""
    page_luminance = float(luminance(body_colour(page)))
    page.add_style_tag(content=NO_STICKY_HEADER)
    figures = page.locator(FIGURES)
    names = [f"figure {i + 1} ({src.split('/')[-1][:12]}…, \"{alt[:50]}\")" for i, (src, alt) in enumerate(
        page.eval_on_selector_all(FIGURES, "els => els.map(e => [e.src, e.alt || ''])"))]
    summaries, problems = [], []
    if len(names) != expected:
        problems.append(f"{path}: {FIGURES!r} finds {len(names)} figures, the HTML shows {expected} PNGs")
    for view, css in (("as shown", None), ("without the theme's frame", WITHOUT_FRAME)):
        if css:
            page.add_style_tag(content=css)
        measured = [measure_figure(figures.nth(i).screenshot(), page_luminance) for i in range(len(names))]
        problems += [f"{path}: {name} {view}: {problem}"
                     for name, m in zip(names, measured, strict=True) for problem in figure_problems(m)]
        if measured:
            summaries.append(f"{view}: ink contrast >= {min(m['ink'] for m in measured):.1f}, "
                             f"background/page >= {min(m['page'] for m in measured):.1f}")
    return [f"{len(names)} figures", *summaries], problems


@pytest.fixture
def hidpi_page(browser):
    """A page like conftest's ``page``, at device scale factor SCALE."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=SCALE)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_reads_well_in_dark_mode(site, built_html, hidpi_page, path, screenshots_dir, summary_section):
    """In the theme's dark mode the body is dark; no figure is drawn dark-on-dark (dark ink on a
    light background that stands apart from the page, framed or not); every text of the article,
    answers unfolded, keeps a contrast >= 4.5:1. Screenshots: first screen and first figure."""
    page = hidpi_page
    open_in_mode(page, f"{site}/{path}", "dark")
    body = body_colour(page)
    assert luminance(body) < MAX_DARK_LUMINANCE, f"{path}: body background rgb{body} is not dark"
    page.screenshot(path=shot_path(screenshots_dir, "dark", path), scale="css")
    if show_first_figure(page):
        page.screenshot(path=shot_path(screenshots_dir, "dark", path, "-figure"), scale="css")
    summary, problems = figure_problems_on_page(page, path, len(page_figures(built_html, path)))
    problems += text_problems(page, path)
    summary_section("dark mode").append(f"{path}: " + "; ".join(summary))
    assert not problems, f"{path} in dark mode:\n" + "\n".join(problems)


def test_light_mode_figure_screenshots(site, page, screenshots_dir):
    """The light counterparts of the dark figure screenshots (first screens: test_built_book)."""
    use_mode(page, "light")
    for path in CHAPTER_PAGES:
        # The figures and the styles are all a screenshot of them needs: no waiting for MathJax.
        response = page.goto(f"{site}/{path}", wait_until="domcontentloaded")
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        page.wait_for_function(f"() => [...document.querySelectorAll({FIGURES!r})].every(i => i.complete)")
        if show_first_figure(page):
            target = shot_path(screenshots_dir, "light", path, "-figure")
            page.screenshot(path=target)
            assert Path(target).stat().st_size > 10_000


def page_figures(html_dir: Path, path: str) -> list[Path]:
    """The PNGs of _build/html/_images that the built page ``path`` shows."""
    html = html_dir / path
    assert html.exists(), f"{html} is missing: the build does not match _toc.yml"
    names = re.findall(r'<img [^>]*src="(?:\.\./)*_images/([^"]+\.png)"', html.read_text(encoding="utf-8"))
    return [html_dir / "_images" / name for name in names]


def notebook_figures(html_dir: Path) -> dict[str, list[Path]]:
    """The PNGs each chapter notebook's page shows, by page."""
    pages = [notebook.relative_to(ROOT).with_suffix(".html").as_posix() for notebook in toc_notebooks()]
    return {path: page_figures(html_dir, path) for path in pages}


def test_notebook_figures_are_opaque(built_html, summary_section):
    """No browser: every notebook figure's PNG has alpha 255 at its four corners."""
    pages = notebook_figures(built_html)
    transparent = []
    for page_path, images in pages.items():
        for image_path in images:
            image = Image.open(image_path).convert("RGBA")
            w, h = image.size
            corners = [image.getpixel(xy)[3] for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
            if min(corners) < 255:
                transparent.append(f"{page_path}: {image_path.name} corner alpha {corners}")
    total = sum(len(images) for images in pages.values())
    summary_section("dark mode").append(f"{total} notebook figures on {len(pages)} pages: "
                                        f"{len(transparent)} with a transparent corner")
    assert total, "no notebook figure found in the built pages: the check would check nothing"
    assert not transparent, "transparent figures (dark-on-dark in dark mode):\n" + "\n".join(transparent)
