"""Whether a page's form controls can be seen and hit: WCAG 2.2's 1.4.11 (non-text contrast) and
2.5.8 (target size), measured in the browser on the page as it is drawn.

axe-core judges neither. For every visible form control (inputs but hidden ones, selects, text
areas, radio buttons, checkboxes, and the widgets that stand in for them, such as the admin's
autocomplete boxes) the page reports its computed border colours, at rest and with focus, and
the background behind it: the first ancestor whose background is not transparent (composited
over the ones below it when it is see-through). Each border side must stand out 3:1 from that
background. Every control and button a person clicks must be at least 24 by 24 CSS pixels.

What is not measured, and why: a background image or gradient behind a control (none on these
pages); hover (Bootstrap's and the admin's controls keep their border colour on hover);
disabled controls (1.4.11 exempts inactive components). Links in running text are 2.5.8's
"inline" exception and are not measured; links drawn as buttons and the header's and footer's
links are. No other exception of 2.5.8 is used.
"""

from dataclasses import dataclass

from playwright.sync_api import Page

MIN_CONTRAST = 3.0
MIN_TARGET = 24
MIN_FOCUS_OUTLINE = 2

# Everything a person fills in or ticks, and the widgets that stand in for native ones.
CONTROL_SELECTOR = (
    "input:not([type=hidden], [type=submit], [type=button], [type=reset], [type=image]), "
    "select, textarea, "
    "[role=combobox], [role=textbox], [role=checkbox], [role=radio], [role=switch]"
)
# What a person clicks besides the controls: buttons, inputs and links that act as buttons, and
# the links of the header and footer (lists of links, not words in a sentence).
BUTTON_SELECTOR = (
    "button, [role=button], input[type=submit], input[type=button], a.btn, "
    ".language-switcher a, .site-footer a"
)

MEASURE = """([controlSelector, buttonSelector]) => {
  // Controls inside closed <details> (the printed day's attendance forms) count too.
  const closed = [...document.querySelectorAll("details:not([open])")];
  closed.forEach(details => { details.open = true; });
  const shown = el => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    // Visually hidden (a 1-pixel clipped box, as the bot trap and the admin's hidden selects
    // are): neither seen nor clicked by anyone with a mouse or eyes.
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const box = node.getBoundingClientRect();
      const style = getComputedStyle(node);
      if ((box.width <= 1 || box.height <= 1) && style.overflow !== "visible") return false;
      if (style.clip === "rect(0px, 0px, 0px, 0px)") return false;
    }
    return true;
  };
  const name = el => {
    const tag = el.tagName.toLowerCase();
    const type = el.getAttribute("type");
    const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const text = label
      ? label.textContent
      : el.getAttribute("aria-label") || el.name || el.textContent || "";
    const words = text.trim().replace(/\\s+/g, " ").slice(0, 50);
    return `${tag}${type ? `[type=${type}]` : ""}${el.id ? `#${el.id}` : ""} "${words}"`;
  };
  // The background colours from the control's parent up to the first opaque one.
  const alpha = colour => colour.startsWith("rgba") ? parseFloat(colour.split(",").pop()) : 1;
  const backgroundsBehind = el => {
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      layers.push(colour);
      if (alpha(colour) >= 1) break;
    }
    return layers;
  };
  const borders = style => ["top", "right", "bottom", "left"].map(side => ({
    side,
    colour: style.getPropertyValue(`border-${side}-color`),
    width: parseFloat(style.getPropertyValue(`border-${side}-width`)),
    style: style.getPropertyValue(`border-${side}-style`),
  }));
  const outline = style => ({
    colour: style.outlineColor,
    width: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
  });
  const scrollX = window.scrollX, scrollY = window.scrollY;
  const before = document.activeElement;
  const controls = [...document.querySelectorAll(controlSelector)]
    .filter(el => shown(el) && !el.disabled && el.getAttribute("aria-disabled") !== "true")
    // The parts inside a widget (the admin's autocomplete box holds a text part) are measured
    // as the widget.
    .filter(el => !el.parentElement.closest(controlSelector))
    .map(el => {
      const style = getComputedStyle(el);  // live: read at once in each state
      const states = {rest: {borders: borders(style)}};
      // A checkbox or radio button is seen both ticked and not, then put back at once with
      // the rest of its group: a page may show or hide other controls by what is ticked (the
      // statistics period), and those are measured as the page shows them.
      if (el.type === "checkbox" || el.type === "radio") {
        const group = el.type === "radio" && el.name
          ? [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)]
          : [el];
        const ticked = group.map(other => other.checked);
        el.checked = !el.checked;
        states[el.checked ? "ticked" : "unticked"] = {borders: borders(style)};
        group.forEach((other, i) => { other.checked = ticked[i]; });
      }
      el.focus({preventScroll: true});
      states.focused = {borders: borders(style), outline: outline(style)};
      el.blur();
      const box = el.getBoundingClientRect();
      const behind = backgroundsBehind(el);
      return {name: name(el), states, behind, width: box.width, height: box.height};
    });
  const buttons = [...document.querySelectorAll(buttonSelector)]
    .filter(el => shown(el) && !el.disabled)
    .map(el => {
      const box = el.getBoundingClientRect();
      return {name: name(el), width: box.width, height: box.height};
    });
  if (before && before.focus) before.focus({preventScroll: true});
  window.scrollTo(scrollX, scrollY);
  closed.forEach(details => { details.open = false; });
  return {controls, buttons};
}"""


@dataclass(frozen=True)
class Colour:
    red: float
    green: float
    blue: float
    alpha: float = 1.0

    @classmethod
    def parse(cls, css: str) -> "Colour":
        """A computed colour as the browser gives it: `rgb(r, g, b)` or `rgba(r, g, b, a)`."""
        inside = css[css.index("(") + 1 : css.rindex(")")]
        parts = [float(part) for part in inside.replace("/", " ").replace(",", " ").split()]
        return cls(*parts[:4])

    def over(self, below: "Colour") -> "Colour":
        """This colour painted over an opaque `below`."""
        a = self.alpha
        return Colour(
            self.red * a + below.red * (1 - a),
            self.green * a + below.green * (1 - a),
            self.blue * a + below.blue * (1 - a),
        )

    def luminance(self) -> float:
        def channel(value: float) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = channel(self.red), channel(self.green), channel(self.blue)
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    def __str__(self) -> str:
        return f"#{round(self.red):02x}{round(self.green):02x}{round(self.blue):02x}"


WHITE = Colour(255, 255, 255)


def contrast(one: Colour, other: Colour) -> float:
    """WCAG's contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((one.luminance(), other.luminance()), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def background(layers: list[str]) -> Colour:
    """The colour behind a control: its ancestors' backgrounds, nearest first, composited over
    white (the canvas) where all are see-through."""
    colour = WHITE
    for layer in reversed(layers):
        colour = Colour.parse(layer).over(colour)
    return colour


def _weakest_border(borders: list[dict], behind: Colour) -> tuple[float, str] | None:
    """The lowest contrast of the drawn border sides against `behind`, or None if no side is
    drawn."""
    drawn = [b for b in borders if b["width"] > 0 and b["style"] not in ("none", "hidden")]
    if not drawn:
        return None
    ratios = [
        (contrast(Colour.parse(b["colour"]).over(behind), behind), f"{b['side']} {b['colour']}")
        for b in drawn
    ]
    return min(ratios)


def control_problems(measured: dict) -> list[str]:
    """What falls short of 1.4.11, 2.4.7 and 2.5.8 in one page's measurements (`MEASURE`)."""
    problems = []
    for control in measured["controls"]:
        name, behind, states = control["name"], background(control["behind"]), control["states"]
        for state in ("rest", "ticked", "unticked"):
            if state not in states:
                continue
            weakest = _weakest_border(states[state]["borders"], behind)
            where = "" if state == "rest" else f" when {state}"
            if weakest is None:
                problems.append(f"{name}: no border to see it by{where} (on {behind})")
            elif weakest[0] < MIN_CONTRAST:
                problems.append(
                    f"{name}: border{where} {weakest[1]} on {behind} is {weakest[0]:.2f}:1, "
                    "under 3:1"
                )
        ring = states["focused"]["outline"]
        ratio = contrast(Colour.parse(ring["colour"]).over(behind), behind) if ring["width"] else 0
        if ring["width"] < MIN_FOCUS_OUTLINE or ratio < MIN_CONTRAST:
            problems.append(
                f"{name}: with focus, its outline ({ring['width']:.0f} px, {ratio:.2f}:1 on "
                f"{behind}) is not clearly visible: {MIN_FOCUS_OUTLINE} px at 3:1 wanted"
            )
        problems += _size_problems(control)
    for button in measured["buttons"]:
        problems += _size_problems(button)
    return problems


def _size_problems(target: dict) -> list[str]:
    if target["width"] + 0.5 >= MIN_TARGET and target["height"] + 0.5 >= MIN_TARGET:
        return []
    return [
        f"{target['name']}: {target['width']:.0f}×{target['height']:.0f} px, "
        f"under {MIN_TARGET}×{MIN_TARGET} px"
    ]


def measure(page: Page) -> dict:
    # A key press first, as a keyboard user's would be: the browser then shows focus as it does
    # for them (:focus-visible), whatever clicked before.
    page.keyboard.press("Shift")
    return page.evaluate(MEASURE, [CONTROL_SELECTOR, BUTTON_SELECTOR])


def form_control_problems(page: Page) -> list[str]:
    """Every visible control on the page that cannot be seen (3:1) or hit (24 px) well enough."""
    return control_problems(measure(page))
