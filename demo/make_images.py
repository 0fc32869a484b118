#!/usr/bin/env python3
"""Generate the demo newsroom's pictures into demo/ninjs/images/.

Every picture is an abstract, caption-free, "photo-like" composition drawn
with Pillow alone (no network, no fonts, no numpy).  Output is deterministic:
each image is drawn from a random.Random seeded with its file name, so running
the script twice produces identical files.

Usage (from the repository root):

    python demo/make_images.py            # (re)write every image
    python demo/make_images.py --check    # only report sizes, write nothing
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

OUT_DIR = Path(__file__).resolve().parent / "ninjs" / "images"
JPEG_QUALITY = 80


# --------------------------------------------------------------------------
# Small drawing helpers
# --------------------------------------------------------------------------

def hexrgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def mix(a, b, t: float):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def gradient(size, stops, horizontal=False) -> Image.Image:
    """Linear gradient through colour stops [(position 0..1, "#rrggbb"), ...]."""
    w, h = size
    stops = [(p, hexrgb(c)) for p, c in stops]
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    length = w if horizontal else h
    for i in range(length):
        t = i / max(1, length - 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
            if p0 <= t <= p1:
                colour = mix(c0, c1, (t - p0) / max(1e-9, p1 - p0))
                break
        else:
            colour = stops[-1][1] if t > stops[-1][0] else stops[0][1]
        if horizontal:
            draw.line([(i, 0), (i, h)], fill=colour)
        else:
            draw.line([(0, i), (w, i)], fill=colour)
    return img


def layer(size) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGBA", size, (0, 0, 0, 0))
    return img, ImageDraw.Draw(img)


def paste_layer(base: Image.Image, over: Image.Image, blur: float = 0) -> Image.Image:
    if blur:
        # blur premultiplied so transparent (black) pixels don't leave dark fringes
        over = over.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
    return Image.alpha_composite(base.convert("RGBA"), over).convert("RGB")


def glow(base, centre, radius, colour, strength=200, blur=None):
    over, d = layer(base.size)
    x, y = centre
    d.ellipse([x - radius, y - radius, x + radius, y + radius], fill=hexrgb(colour) + (strength,))
    return paste_layer(base, over, blur if blur is not None else radius * 0.6)


def ridge(rng, w, base_y, amplitude, roughness=6, step=40):
    """Points of a soft mountain/hill ridge line from left to right."""
    pts = []
    phases = [rng.uniform(0, math.tau) for _ in range(roughness)]
    freqs = [rng.uniform(0.6, 1.4) * (k + 1) for k in range(roughness)]
    for x in range(-step, w + 2 * step, step):
        y = base_y
        for k in range(roughness):
            y += amplitude / (k + 1.3) * math.sin(x / w * math.pi * freqs[k] + phases[k])
        pts.append((x, y))
    return pts


def vignette(img: Image.Image, strength: float = 0.45) -> Image.Image:
    w, h = img.size
    mask = Image.radial_gradient("L").resize((w, h), Image.BICUBIC)
    # radial_gradient is dark in the centre, bright at the edges
    mask = mask.point(lambda v: int(min(255, max(0, (v - 110) * 1.6)) * strength))
    dark = Image.new("RGB", img.size, (8, 8, 14))
    return Image.composite(dark, img, mask)


def grain(img: Image.Image, rng: random.Random, amount: int = 6) -> Image.Image:
    """A soft, low-frequency mottle that makes flat gradients feel photographic."""
    w, h = img.size
    sw, sh = max(8, w // 8), max(8, h // 8)
    noise = Image.new("L", (sw, sh))
    noise.putdata([128 + rng.randint(-amount, amount) for _ in range(sw * sh)])
    noise = noise.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(1.5))
    offset = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.overlay(img, offset)


def finish(img, rng, vig=0.45, soften=0.8):
    if soften:
        img = img.filter(ImageFilter.GaussianBlur(soften))
    img = grain(img, rng)
    return vignette(img, vig) if vig else img


# --------------------------------------------------------------------------
# Compositions
# --------------------------------------------------------------------------

def comp_mountains(size, rng, p):
    """Layered ridges under a graded sky with a low sun (hills, glaciers, tea gardens)."""
    w, h = size
    img = gradient(size, p["sky"])
    sun = p.get("sun")
    if sun:
        img = glow(img, (int(w * rng.uniform(0.25, 0.75)), int(h * 0.38)), int(h * 0.09), sun, 235, h * 0.03)
        img = glow(img, (int(w * 0.5), int(h * 0.4)), int(h * 0.45), sun, 60)
    layers = p["layers"]
    for i, colour in enumerate(layers):
        over, d = layer(size)
        base_y = h * (0.42 + 0.5 * i / len(layers))
        pts = ridge(rng, w, base_y, h * p.get("amp", 0.12) * (1 - i * 0.12))
        if p.get("peaks") and i < 2:
            # jagged alpine profile: sharpen the soft ridge into peaks
            pts = [(x, y - h * 0.12 * (1 - abs(math.sin(x / w * math.pi * (3 + i) + i)))) for x, y in pts]
        d.polygon(pts + [(w + 80, h + 10), (-80, h + 10)], fill=hexrgb(colour) + (255,))
        if p.get("rows") and i >= len(layers) - 2:
            # plantation rows: wavy darker stripes that follow the slope
            for r in range(14):
                yy = base_y + 30 + r * h * 0.035
                row = [(x, y + (yy - base_y)) for x, y in pts]
                d.line(row, fill=mix(hexrgb(colour), (0, 0, 0), 0.25) + (160,), width=max(3, h // 160))
        if p.get("snow") and i == 0:
            caps = [(x, y + h * 0.05) for x, y in pts]
            d.polygon(pts + caps[::-1], fill=(245, 248, 255, 230))
        img = paste_layer(img, over, blur=max(0.6, 3.5 - i * 0.9))
        # atmospheric haze between ridges
        haze, hd = layer(size)
        hd.rectangle([0, 0, w, h], fill=hexrgb(p["sky"][-1][1]) + (28,))
        img = paste_layer(img, haze)
    return finish(img, rng)


def comp_water(size, rng, p):
    """Horizon, distant shore and a rippled water surface, optionally a boat."""
    w, h = size
    horizon = int(h * p.get("horizon", 0.5))
    img = gradient(size, p["sky"])
    if p.get("sun"):
        img = glow(img, (int(w * 0.62), int(horizon - h * 0.12)), int(h * 0.07), p["sun"], 230, h * 0.02)
    water = gradient((w, h - horizon), p["water"])
    img.paste(water, (0, horizon))
    over, d = layer(size)
    pts = ridge(rng, w, horizon - h * 0.03, h * 0.025, roughness=5)
    d.polygon(pts + [(w + 80, horizon + 2), (-80, horizon + 2)], fill=hexrgb(p["shore"]) + (255,))
    if p.get("palms"):
        for _ in range(p["palms"]):
            x = rng.uniform(0, w)
            top = horizon - h * rng.uniform(0.12, 0.22)
            d.line([(x, horizon), (x + rng.uniform(-12, 12), top)], fill=hexrgb(p["shore"]) + (255,), width=5)
            for k in range(7):
                a = math.pi * (0.1 + 0.8 * k / 6)
                d.line([(x, top), (x + math.cos(a) * h * 0.06 * (1 if k % 2 else -1), top + math.sin(a) * h * 0.02)],
                       fill=hexrgb(p["shore"]) + (255,), width=4)
    img = paste_layer(img, over, blur=1.2)
    # ripples: short light and dark strokes, longer towards the viewer
    over, d = layer(size)
    light = hexrgb(p.get("glint", "#ffffff"))
    for _ in range(p.get("ripples", 900)):
        y = horizon + (h - horizon) * rng.random() ** 1.6
        depth = (y - horizon) / max(1, h - horizon)
        x = rng.uniform(-50, w)
        length = 8 + depth * rng.uniform(30, 160)
        c = light + (int(40 + 80 * rng.random()),) if rng.random() < 0.5 else (0, 0, 0, int(30 + 40 * rng.random()))
        d.line([(x, y), (x + length, y)], fill=c, width=max(1, int(1 + depth * 4)))
    img = paste_layer(img, over, blur=1.4)
    for _ in range(p.get("boats", 0)):
        over, d = layer(size)
        bx = rng.uniform(w * 0.1, w * 0.8)
        by = horizon + (h - horizon) * rng.uniform(0.15, 0.6)
        bw = w * rng.uniform(0.12, 0.22) * (0.5 + (by - horizon) / (h - horizon))
        bh = bw * 0.18
        hull = hexrgb(rng.choice(p.get("boat_colours", ["#f4f1ea"])))
        d.polygon([(bx, by), (bx + bw, by), (bx + bw * 0.88, by + bh), (bx + bw * 0.1, by + bh)], fill=hull + (255,))
        d.rectangle([bx + bw * 0.3, by - bh * 0.9, bx + bw * 0.7, by], fill=mix(hull, (255, 255, 255), 0.5) + (255,))
        if p.get("solar_roof"):
            d.rectangle([bx + bw * 0.22, by - bh * 1.2, bx + bw * 0.78, by - bh * 0.9], fill=(30, 50, 90, 255))
        d.polygon([(bx, by + bh), (bx + bw, by + bh), (bx + bw * 0.9, by + bh * 1.8), (bx + bw * 0.1, by + bh * 1.8)],
                  fill=mix(hull, (0, 0, 0), 0.6) + (90,))
        img = paste_layer(img, over, blur=1.0)
    return finish(img, rng)


def comp_skyline(size, rng, p):
    """A city skyline at dusk or in haze, with lit windows."""
    w, h = size
    img = gradient(size, p["sky"])
    if p.get("sun"):
        img = glow(img, (int(w * 0.3), int(h * 0.45)), int(h * 0.08), p["sun"], 180, h * 0.05)
    ground = int(h * p.get("ground", 0.8))
    for depth, shade in enumerate(p["buildings"]):
        over, d = layer(size)
        x = -rng.randint(0, 60)
        body = hexrgb(shade)
        while x < w:
            bw = rng.randint(int(w * 0.03), int(w * 0.09))
            bh = h * rng.uniform(0.18, 0.5) * (1 - depth * 0.15)
            top = ground - bh
            d.rectangle([x, top, x + bw, ground], fill=body + (255,))
            if rng.random() < 0.25:
                d.rectangle([x + bw * 0.4, top - bh * 0.12, x + bw * 0.5, top], fill=body + (255,))
            if p.get("windows") and depth == len(p["buildings"]) - 1:
                win = hexrgb(p["windows"])
                for wy in range(int(top) + 10, ground - 8, 16):
                    for wx in range(x + 6, x + bw - 6, 12):
                        if rng.random() < p.get("lit", 0.35):
                            d.rectangle([wx, wy, wx + 5, wy + 7], fill=win + (int(150 + 100 * rng.random()),))
            x += bw + rng.randint(0, 14)
        img = paste_layer(img, over, blur=2.5 - depth)
    over, d = layer(size)
    d.rectangle([0, ground, w, h], fill=hexrgb(p.get("street", "#1a1a22")) + (255,))
    img = paste_layer(img, over)
    if p.get("haze"):
        haze = gradient(size, [(0, p["haze"]), (1, p["haze"])])
        mask = gradient(size, [(0, "#a0a0a0"), (0.6, "#707070"), (1, "#303030")]).convert("L")
        img = Image.composite(haze, img, mask.point(lambda v: int(v * p.get("haze_amount", 0.8))))
    return finish(img, rng)


def comp_bokeh(size, rng, p):
    """Out-of-focus lights: rain-soaked streets, trading screens, floodlights."""
    w, h = size
    img = gradient(size, p["bg"])
    for blur, count, rmin, rmax in ((28, 18, 0.07, 0.14), (12, 40, 0.03, 0.07), (4, 60, 0.008, 0.025)):
        over, d = layer(size)
        for _ in range(count):
            x = rng.uniform(0, w)
            y = h * (p.get("band", 0.55) + rng.gauss(0, 0.18))
            r = h * rng.uniform(rmin, rmax)
            c = hexrgb(rng.choice(p["lights"]))
            d.ellipse([x - r, y - r, x + r, y + r], fill=c + (int(rng.uniform(70, 170)),))
        img = paste_layer(img, over, blur)
    if p.get("rain"):
        over, d = layer(size)
        for _ in range(p["rain"]):
            x, y = rng.uniform(0, w), rng.uniform(-40, h)
            length = rng.uniform(20, 60)
            d.line([(x, y), (x - length * 0.15, y + length)], fill=(220, 230, 255, int(rng.uniform(30, 90))), width=2)
        img = paste_layer(img, over, 0.8)
    if p.get("reflection"):
        # wet street: mirror the lower part with a darker, blurred copy
        cut = int(h * 0.68)
        top = img.crop((0, cut - (h - cut), w, cut)).transpose(Image.FLIP_TOP_BOTTOM)
        top = top.filter(ImageFilter.GaussianBlur(10))
        img.paste(Image.blend(top, Image.new("RGB", top.size, hexrgb(p["bg"][-1][1])), 0.5), (0, cut))
    if p.get("bars"):
        # trading screens: rows of small bar charts
        over, d = layer(size)
        for row in range(3):
            y0 = h * (0.18 + row * 0.22)
            for col in range(5):
                x0 = w * (0.04 + col * 0.19)
                d.rectangle([x0, y0, x0 + w * 0.16, y0 + h * 0.16], fill=(10, 16, 24, 200))
                level = rng.uniform(0.3, 0.7)
                for k in range(14):
                    level = min(0.95, max(0.05, level + rng.uniform(-0.12, 0.12)))
                    colour = (60, 200, 120, 230) if rng.random() < 0.6 else (230, 80, 70, 230)
                    bx = x0 + 6 + k * (w * 0.16 - 12) / 14
                    d.rectangle([bx, y0 + h * 0.16 * (1 - level), bx + 5, y0 + h * 0.16 - 4], fill=colour)
        img = paste_layer(img, over, 2.2)
    return finish(img, rng, vig=0.55)


def comp_solar(size, rng, p):
    """Rows of solar panels receding across a dry landscape."""
    w, h = size
    horizon = int(h * 0.42)
    img = gradient(size, p["sky"])
    img = glow(img, (int(w * 0.78), int(h * 0.16)), int(h * 0.06), "#fff6d8", 240, h * 0.015)
    img.paste(gradient((w, h - horizon), p["ground"]), (0, horizon))
    over, d = layer(size)
    rows = 9
    for r in range(rows):
        t = (r + 1) / rows
        y = horizon + (h - horizon) * t ** 1.7
        ph = 8 + 70 * t ** 1.8
        x = -rng.uniform(0, 80)
        while x < w:
            pw = 40 + 220 * t ** 1.6
            d.polygon([(x, y), (x + pw, y), (x + pw * 0.94, y - ph), (x + pw * 0.1, y - ph)], fill=(28, 44, 86, 255))
            for k in range(1, 4):
                yy = y - ph * k / 4
                d.line([(x + pw * 0.03 * k, yy), (x + pw - pw * 0.02 * k, yy)], fill=(90, 120, 170, 180), width=1)
            d.polygon([(x + pw * 0.1, y - ph), (x + pw * 0.94, y - ph), (x + pw * 0.9, y - ph * 0.85), (x + pw * 0.14, y - ph * 0.85)],
                      fill=(170, 200, 240, 90))
            x += pw + 8 + 30 * t
    img = paste_layer(img, over, 0.7)
    return finish(img, rng, vig=0.3)


def comp_crowd(size, rng, p):
    """A soft-focus queue or crowd: rows of shoulders and heads, optional placards."""
    w, h = size
    img = gradient(size, p["bg"])
    for row in range(6):
        over, d = layer(size)
        t = row / 5
        y = h * (0.35 + 0.5 * t)
        scale = 0.5 + t
        x = -rng.uniform(0, 60)
        while x < w:
            bw = 70 * scale * rng.uniform(0.8, 1.2)
            cloth = hexrgb(rng.choice(p["clothes"]))
            skin = hexrgb(rng.choice(p["skin"]))
            d.rounded_rectangle([x, y, x + bw, y + 260 * scale], radius=int(30 * scale), fill=cloth + (255,))
            hr = 22 * scale
            d.ellipse([x + bw / 2 - hr, y - hr * 2.1, x + bw / 2 + hr, y - hr * 0.1], fill=skin + (255,))
            d.pieslice([x + bw / 2 - hr, y - hr * 2.15, x + bw / 2 + hr, y - hr * 0.3], 180, 360, fill=(25, 20, 20, 255))
            if p.get("placards") and rng.random() < 0.18 and row < 4:
                pc = hexrgb(rng.choice(p["placards"]))
                px, py = x + bw / 2, y - hr * 4
                d.line([(px, py), (px, y)], fill=(90, 70, 50, 255), width=int(3 * scale))
                d.rectangle([px - 55 * scale, py - 45 * scale, px + 55 * scale, py + 15 * scale], fill=pc + (255,))
            x += bw * rng.uniform(0.75, 1.05)
        img = paste_layer(img, over, blur=max(0.5, 7 - row * 1.3))
    return finish(img, rng, vig=0.5)


def comp_interior(size, rng, p):
    """A hall in one-point perspective: ceiling lights, rows of tables or seats."""
    w, h = size
    vx, vy = w * rng.uniform(0.42, 0.58), h * 0.42
    img = gradient(size, p["walls"])
    over, d = layer(size)
    floor = hexrgb(p["floor"])
    d.polygon([(0, h), (w, h), (vx + w * 0.1, vy + 20), (vx - w * 0.1, vy + 20)], fill=floor + (255,))
    img = paste_layer(img, over)
    over, d = layer(size)
    light = hexrgb(p["light"])
    for k in range(1, 10):
        t = (k / 9) ** 1.8
        y = vy - (vy - 10) * t
        half = w * 0.08 + w * 0.45 * t
        d.line([(vx - half, y), (vx + half, y)], fill=light + (200,), width=int(2 + 10 * t))
    img = paste_layer(img, over, 3)
    over, d = layer(size)
    table = hexrgb(p["tables"])
    for k in range(1, 8):
        t = (k / 7) ** 1.7
        y = vy + 20 + (h - vy) * t
        half = w * 0.08 + w * 0.5 * t
        for side in (-1, 1):
            x0 = vx + side * w * 0.03 * (1 + 4 * t)
            x1 = vx + side * half
            d.rectangle([min(x0, x1), y - 12 * t - 2, max(x0, x1), y + 10 * t], fill=table + (255,))
            if p.get("people"):
                for _ in range(int(2 + 6 * t)):
                    px = rng.uniform(min(x0, x1), max(x0, x1))
                    pr = 6 + 22 * t
                    c = hexrgb(rng.choice(p["people"]))
                    d.ellipse([px - pr, y - pr * 3.2, px + pr, y - pr * 1.2], fill=(40, 32, 30, 255))
                    d.rounded_rectangle([px - pr * 1.5, y - pr * 1.3, px + pr * 1.5, y + 2], radius=int(pr / 2), fill=c + (255,))
    img = paste_layer(img, over, 1.6)
    if p.get("screen"):
        img = glow(img, (int(vx), int(vy - h * 0.12)), int(h * 0.1), p["screen"], 170, h * 0.04)
    return finish(img, rng, vig=0.55)


def comp_perspective(size, rng, p):
    """Railway tracks or a road running to the horizon."""
    w, h = size
    horizon = int(h * p.get("horizon", 0.45))
    vx = w * p.get("vx", 0.5)
    img = gradient(size, p["sky"])
    if p.get("sun"):
        img = glow(img, (int(vx + w * 0.08), horizon - int(h * 0.05)), int(h * 0.06), p["sun"], 240, h * 0.02)
        img = glow(img, (int(vx), horizon), int(h * 0.4), p["sun"], 50)
    img.paste(gradient((w, h - horizon), p["ground"]), (0, horizon))
    over, d = layer(size)
    if p.get("sea_left"):
        d.polygon([(0, horizon), (vx - 4, horizon), (0, h * 0.8)], fill=hexrgb(p["sea_left"]) + (255,))
    if p.get("trees"):
        for _ in range(30):
            x = rng.uniform(0, w)
            scale = abs(x - vx) / w
            ty = horizon - 4 - rng.uniform(0, 10)
            tr = 8 + 60 * scale * rng.uniform(0.5, 1.2)
            d.ellipse([x - tr * 1.6, ty - tr, x + tr * 1.6, ty], fill=hexrgb(p["trees"]) + (255,))
            d.line([(x, ty), (x, horizon + 2)], fill=hexrgb(p["trees"]) + (255,), width=3)
    d.polygon([(vx - 4, horizon), (vx + 4, horizon), (vx + w * p["spread"], h), (vx - w * p["spread"], h)],
              fill=hexrgb(p["bed"]) + (255,))
    img = paste_layer(img, over, 1.2)
    over, d = layer(size)
    if p.get("rails"):
        for k in range(1, 40):
            t = (k / 40) ** 2.2
            y = horizon + (h - horizon) * t
            half = 3 + w * p["spread"] * 0.6 * t
            d.line([(vx - half, y), (vx + half, y)], fill=(70, 52, 40, 230), width=max(1, int(14 * t)))
        for off in (-0.28, 0.28):
            d.line([(vx, horizon), (vx + w * p["spread"] * off * 2, h)], fill=(190, 190, 200, 255), width=6)
    if p.get("lane"):
        for k in range(0, 14, 2):
            t0, t1 = (k / 14) ** 2, ((k + 1) / 14) ** 2
            y0, y1 = horizon + (h - horizon) * t0, horizon + (h - horizon) * t1
            d.polygon([(vx - 1 - 6 * t0, y0), (vx + 1 + 6 * t0, y0), (vx + 1 + 6 * t1, y1), (vx - 1 - 6 * t1, y1)],
                      fill=hexrgb(p["lane"]) + (230,))
    if p.get("runners"):
        for _ in range(p["runners"]):
            t = rng.uniform(0.15, 0.9) ** 1.5
            y = horizon + (h - horizon) * t
            x = vx + rng.uniform(-1, 1) * w * p["spread"] * t * 0.9
            s = 6 + 70 * t
            c = hexrgb(rng.choice(["#e94f37", "#f2c14e", "#2f9c95", "#ffffff", "#5b5f97"]))
            d.rounded_rectangle([x - s * 0.35, y - s * 2.2, x + s * 0.35, y - s], radius=int(s * 0.2), fill=c + (255,))
            d.ellipse([x - s * 0.25, y - s * 2.7, x + s * 0.25, y - s * 2.2], fill=(60, 40, 30, 255))
            d.line([(x - s * 0.15, y - s), (x - s * 0.35, y)], fill=(40, 30, 30, 255), width=max(2, int(s * 0.12)))
            d.line([(x + s * 0.15, y - s), (x + s * 0.35, y - s * 0.1)], fill=(40, 30, 30, 255), width=max(2, int(s * 0.12)))
    img = paste_layer(img, over, 1.0)
    return finish(img, rng, vig=0.4)


def comp_field(size, rng, p):
    """A sports ground seen from the stands: turf, markings, a ring of floodlit seats."""
    w, h = size
    img = gradient(size, p["sky"])
    stand_top = int(h * 0.18)
    over, d = layer(size)
    for r in range(16):
        y = stand_top + r * h * 0.016
        for x in range(0, w, 9):
            c = hexrgb(rng.choice(p["crowd"]))
            d.rectangle([x, y, x + 7, y + h * 0.014], fill=c + (255,))
    img = paste_layer(img, over, 2.5)
    over, d = layer(size)
    turf = hexrgb(p["turf"])
    d.ellipse([-w * 0.25, h * 0.42, w * 1.25, h * 1.9], fill=turf + (255,))
    for k in range(9):  # mowing stripes
        x0 = -w * 0.2 + k * w * 0.18
        d.polygon([(x0, h), (x0 + w * 0.09, h), (x0 + w * 0.09 + 60, h * 0.42), (x0 + 60, h * 0.42)],
                  fill=mix(turf, (255, 255, 255), 0.07) + (120,))
    if p.get("pitch"):
        d.polygon([(w * 0.47, h * 0.5), (w * 0.53, h * 0.5), (w * 0.57, h * 0.95), (w * 0.43, h * 0.95)],
                  fill=hexrgb(p["pitch"]) + (255,))
        for y in (0.55, 0.9):
            d.line([(w * 0.44, h * y), (w * 0.56, h * y)], fill=(245, 245, 240, 255), width=3)
    if p.get("lines"):
        white = (245, 245, 245, 230)
        d.line([(w * 0.1, h * 0.55), (w * 0.9, h * 0.55)], fill=white, width=4)
        d.line([(w * 0.5, h * 0.55), (w * 0.5, h)], fill=white, width=4)
        d.arc([w * 0.3, h * 0.75, w * 0.7, h * 1.25], 180, 360, fill=white, width=4)
    img = paste_layer(img, over, 1.2)
    for x in (0.08, 0.92):
        img = glow(img, (int(w * x), int(h * 0.08)), int(h * 0.05), p.get("floodlight", "#fffbe6"), 250, h * 0.02)
        img = glow(img, (int(w * x), int(h * 0.08)), int(h * 0.25), p.get("floodlight", "#fffbe6"), 70)
    return finish(img, rng, vig=0.45)


def comp_stepwell(size, rng, p):
    """Looking down into a sandstone stepwell: nested, shaded terraces around dark water."""
    w, h = size
    img = Image.new("RGB", size, hexrgb(p["stone"]))
    over, d = layer(size)
    levels = 14
    stone = hexrgb(p["stone"])
    for k in range(levels):
        t = k / levels
        inset = (w * 0.48) * t
        lit = mix(stone, (255, 240, 210), 0.25 * (1 - t))
        shade = mix(stone, (40, 25, 15), 0.35 + 0.45 * t)
        box = [inset, inset, w - inset, h - inset]
        d.rectangle(box, fill=lit + (255,))
        step = w * 0.48 / levels
        # shadowed risers on two sides give the stair depth
        d.polygon([(box[0], box[1]), (box[2], box[1]), (box[2] - step, box[1] + step), (box[0] + step, box[1] + step)],
                  fill=shade + (255,))
        d.polygon([(box[0], box[1]), (box[0] + step, box[1] + step), (box[0] + step, box[3] - step), (box[0], box[3])],
                  fill=mix(shade, stone, 0.4) + (255,))
        # bright stone lips on every tread and a crisp shadow under each riser
        lip = mix(stone, (255, 246, 225), 0.55)
        d.line([(box[0], box[1]), (box[2], box[1])], fill=lip + (255,), width=3)
        d.line([(box[0], box[1]), (box[0], box[3])], fill=lip + (255,), width=3)
        d.line([(box[0] + step, box[1] + step), (box[2] - step, box[1] + step)], fill=(35, 22, 12, 200), width=2)
        d.line([(box[2], box[1]), (box[2], box[3])], fill=mix(stone, (40, 25, 15), 0.5) + (200,), width=2)
        d.line([(box[0], box[3]), (box[2], box[3])], fill=mix(stone, (40, 25, 15), 0.5) + (200,), width=2)
        if k % 3 == 1:
            for s in range(6):
                cx = box[0] + (box[2] - box[0]) * (s + 0.5) / 6
                d.rectangle([cx - step * 0.15, box[1] + step * 0.2, cx + step * 0.15, box[1] + step], fill=shade + (255,))
    core = w * 0.48 * (levels - 1) / levels
    d.rectangle([core, core, w - core, h - core], fill=hexrgb(p["water"]) + (255,))
    img = paste_layer(img, over, 0.9)
    img = glow(img, (int(w * 0.25), int(h * 0.2)), int(w * 0.35), "#fff1cf", 70)
    return finish(img, rng, vig=0.5, soften=0.5)


def comp_grid(size, rng, p):
    """Close-up of a patterned surface: a chessboard with pieces, or a QR code sticker."""
    w, h = size
    img = gradient(size, p["bg"])
    over, d = layer(size)
    n = p["cells"]
    margin = w * p.get("margin", 0.12)
    cell = (w - 2 * margin) / n
    a, b = hexrgb(p["a"]), hexrgb(p["b"])
    for i in range(n):
        for j in range(n):
            if p.get("qr"):
                corner = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
                if corner:
                    ii, jj = i % (n - 7) if i >= 7 else i, j % (n - 7) if j >= 7 else j
                    ring = max(abs(ii - 3), abs(jj - 3))
                    on = ring in (0, 1, 3)
                else:
                    on = rng.random() < 0.48
                c = a if on else b
            else:
                c = a if (i + j) % 2 == 0 else b
            x0, y0 = margin + i * cell, margin + j * cell
            d.rectangle([x0, y0, x0 + cell + 0.5, y0 + cell + 0.5], fill=c + (255,))
    img = paste_layer(img, over, 0.6)
    if p.get("pieces"):
        for _ in range(p["pieces"]):
            over, d = layer(size)
            i, j = rng.randrange(n), rng.randrange(n)
            cx, cy = margin + (i + 0.5) * cell, margin + (j + 0.5) * cell
            colour = (245, 238, 222) if rng.random() < 0.5 else (38, 30, 28)
            d.ellipse([cx - cell * 0.42, cy - cell * 0.2, cx + cell * 0.42, cy + cell * 0.3], fill=(0, 0, 0, 90))
            d.ellipse([cx - cell * 0.36, cy - cell * 0.36, cx + cell * 0.36, cy + cell * 0.2], fill=colour + (255,))
            d.ellipse([cx - cell * 0.18, cy - cell * 0.62, cx + cell * 0.18, cy - cell * 0.26],
                      fill=mix(colour, (128, 128, 128), 0.15) + (255,))
            img = paste_layer(img, over, 1.0)
    if p.get("depth_blur"):
        # shallow depth of field: blur the top of the frame
        blurred = img.filter(ImageFilter.GaussianBlur(p["depth_blur"]))
        mask = gradient(size, [(0, "#ffffff"), (0.45, "#000000"), (1, "#000000")]).convert("L")
        img = Image.composite(blurred, img, mask)
    if p.get("glow"):
        img = glow(img, (int(w * 0.7), int(h * 0.25)), int(w * 0.3), p["glow"], 70)
    return finish(img, rng, vig=0.5, soften=0.4)


def comp_storm(size, rng, p):
    """Heavy cloud banks over a rough sea, with a spiral hint of a cyclone."""
    w, h = size
    horizon = int(h * 0.62)
    img = gradient(size, p["sky"])
    cx, cy = w * 0.62, h * 0.22
    for band in range(3):
        over, d = layer(size)
        for k in range(220):
            a = k * 0.11 + band * 2.1
            r = 40 + k * 4.2
            x, y = cx + math.cos(a) * r * 1.6, cy + math.sin(a) * r * 0.45
            s = 30 + k * 0.6
            tone = int(rng.uniform(120, 220))
            d.ellipse([x - s, y - s * 0.5, x + s, y + s * 0.5], fill=(tone, tone, tone + 8, int(rng.uniform(25, 70))))
        img = paste_layer(img, over, 14 - band * 4)
    img.paste(gradient((w, h - horizon), p["sea"]), (0, horizon))
    over, d = layer(size)
    for _ in range(1400):
        y = horizon + (h - horizon) * rng.random() ** 1.4
        depth = (y - horizon) / (h - horizon)
        x = rng.uniform(-40, w)
        ln = 10 + depth * rng.uniform(40, 140)
        c = (235, 240, 245, int(50 + 120 * rng.random())) if rng.random() < 0.35 else (10, 20, 30, 60)
        d.arc([x, y - 8 * depth, x + ln, y + 8 * depth], 180, 360, fill=c, width=max(1, int(1 + depth * 4)))
    img = paste_layer(img, over, 1.2)
    over, d = layer(size)
    pts = ridge(rng, w, horizon - 6, h * 0.012, roughness=4)
    d.polygon(pts + [(w + 80, horizon + 4), (-80, horizon + 4)], fill=(30, 40, 48, 220))
    img = paste_layer(img, over, 2)
    return finish(img, rng, vig=0.6)


def comp_factory(size, rng, p):
    """A bright assembly line: repeated machines and product silhouettes, shallow focus."""
    w, h = size
    img = gradient(size, p["bg"])
    over, d = layer(size)
    for k in range(12):
        x = w * (0.02 + k * 0.09)
        d.rectangle([x, h * 0.12, x + w * 0.06, h * 0.15], fill=(255, 255, 250, 220))
    img = paste_layer(img, over, 6)
    over, d = layer(size)
    d.rectangle([0, h * 0.62, w, h * 0.7], fill=hexrgb(p["belt"]) + (255,))
    d.rectangle([0, h * 0.7, w, h], fill=mix(hexrgb(p["belt"]), (0, 0, 0), 0.4) + (255,))
    x = -rng.uniform(0, 100)
    accent = hexrgb(p["accent"])
    while x < w:
        s = h * 0.14
        # a stylised scooter: two wheels, deck, column, handlebar
        d.ellipse([x, h * 0.62 - s * 0.5, x + s * 0.5, h * 0.62], fill=(30, 30, 34, 255))
        d.ellipse([x + s * 1.3, h * 0.62 - s * 0.5, x + s * 1.8, h * 0.62], fill=(30, 30, 34, 255))
        d.rounded_rectangle([x + s * 0.2, h * 0.62 - s * 0.75, x + s * 1.6, h * 0.62 - s * 0.35], radius=int(s * 0.15),
                            fill=accent + (255,))
        d.line([(x + s * 1.45, h * 0.62 - s * 0.6), (x + s * 1.3, h * 0.62 - s * 1.5)], fill=(60, 60, 66, 255), width=8)
        d.line([(x + s * 1.1, h * 0.62 - s * 1.5), (x + s * 1.55, h * 0.62 - s * 1.5)], fill=(60, 60, 66, 255), width=8)
        x += s * 2.4
    img = paste_layer(img, over, 1.2)
    blurred = img.filter(ImageFilter.GaussianBlur(6))
    mask = gradient(size, [(0, "#ffffff"), (0.35, "#ffffff"), (0.5, "#000000"), (1, "#000000")], horizontal=True).convert("L")
    img = Image.composite(blurred, img, mask)
    return finish(img, rng, vig=0.35)


def comp_abstract(size, rng, p):
    """Overlapping translucent discs and bands — for close-ups and studio shots."""
    w, h = size
    img = gradient(size, p["bg"], horizontal=p.get("horizontal", False))
    for blur in (30, 10, 2):
        over, d = layer(size)
        for _ in range(p.get("count", 6)):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            r = h * rng.uniform(0.08, 0.35) * (blur / 30 + 0.4)
            c = hexrgb(rng.choice(p["shapes"]))
            if rng.random() < 0.5:
                d.ellipse([x - r, y - r, x + r, y + r], fill=c + (int(rng.uniform(60, 150)),))
            else:
                a = rng.uniform(0, math.pi)
                dx, dy = math.cos(a) * r * 2, math.sin(a) * r * 2
                d.line([(x - dx, y - dy), (x + dx, y + dy)], fill=c + (int(rng.uniform(80, 170)),), width=int(r * 0.2) + 4)
        img = paste_layer(img, over, blur)
    return finish(img, rng, vig=0.5)


def make_chart_png(size, rng, path):
    """A flat, infographic-style line and bar chart (the one PNG in the set)."""
    w, h = size
    img = Image.new("RGB", size, (250, 248, 243))
    d = ImageDraw.Draw(img)
    left, right, top, bottom = 90, w - 60, 110, h - 110
    d.rectangle([0, 0, w, 14], fill=(196, 30, 58))
    for k in range(6):
        y = top + (bottom - top) * k / 5
        d.line([(left, y), (right, y)], fill=(222, 218, 210), width=2)
    days = 20
    step = (right - left) / days
    level = 0.45
    points = []
    for i in range(days):
        change = rng.uniform(-0.06, 0.075)
        level = min(0.92, max(0.12, level + change))
        x = left + step * (i + 0.5)
        bar_h = (bottom - top) * 0.22 * abs(change) / 0.075
        d.rectangle([x - step * 0.3, bottom - bar_h, x + step * 0.3, bottom],
                    fill=(46, 139, 87) if change >= 0 else (205, 92, 72))
        points.append((x, bottom - (bottom - top) * level))
    d.line(points, fill=(25, 42, 86), width=7, joint="curve")
    for x, y in points[-1:]:
        d.ellipse([x - 12, y - 12, x + 12, y + 12], fill=(196, 30, 58))
    d.line([(left, bottom), (right, bottom)], fill=(60, 60, 60), width=3)
    d.line([(left, top - 20), (left, bottom)], fill=(60, 60, 60), width=3)
    img = img.quantize(colors=32, method=Image.Quantize.MEDIANCUT)
    img.save(path, "PNG", optimize=True)


# --------------------------------------------------------------------------
# The catalogue: file name -> (composition, size, parameters)
# --------------------------------------------------------------------------

WIDE, SQUARE, CLASSIC = (1600, 900), (1200, 1200), (1200, 900)

IMAGES: dict[str, tuple] = {
    # India
    "chennai-rain-street.jpg": (comp_bokeh, WIDE, {
        "bg": [(0, "#1b2433"), (0.6, "#2a3a4f"), (1, "#111822")],
        "lights": ["#ffb347", "#ff6f59", "#f6e27f", "#9ad1ff", "#ffffff"], "rain": 1600, "reflection": True}),
    "chennai-flooded-lane.jpg": (comp_water, CLASSIC, {
        "sky": [(0, "#5d6b78"), (1, "#aab4bb")], "water": [(0, "#6f7a73"), (1, "#3a443f")],
        "shore": "#2d3532", "horizon": 0.45, "boats": 2, "boat_colours": ["#d9534f", "#f0ad4e", "#5bc0de"], "palms": 4}),
    "delhi-smog-skyline.jpg": (comp_skyline, WIDE, {
        "sky": [(0, "#b9ab95"), (0.7, "#d8c7a8"), (1, "#c9b79a")], "sun": "#ffe1a8",
        "buildings": ["#9c8f80", "#7a6e62", "#4f4740"], "haze": "#cdbfa7", "haze_amount": 0.55,
        "windows": "#ffd27a", "lit": 0.08, "street": "#3f3934"}),
    "kollam-electric-ferry.jpg": (comp_water, WIDE, {
        "sky": [(0, "#7fb8d8"), (0.8, "#d8eef2"), (1, "#f5f0dc")], "water": [(0, "#5e9c94"), (1, "#1f4e4a")],
        "shore": "#1f3b26", "palms": 14, "boats": 1, "boat_colours": ["#f7f4ec"], "solar_roof": True,
        "horizon": 0.48, "glint": "#fffbe8"}),
    "kollam-backwaters-dawn.jpg": (comp_water, WIDE, {
        "sky": [(0, "#f7c59f"), (0.7, "#ffe6c7"), (1, "#fff4e0")], "water": [(0, "#d9b48f"), (1, "#3c4a3e")],
        "shore": "#22301f", "palms": 18, "sun": "#fff2c8", "horizon": 0.55, "boats": 1,
        "boat_colours": ["#6b4226"], "glint": "#fff2c8"}),
    "barmer-solar-cooperative.jpg": (comp_solar, CLASSIC, {
        "sky": [(0, "#3f7fbf"), (0.7, "#a7cbe6"), (1, "#efe3c8")], "ground": [(0, "#d9b882"), (1, "#a87a46")]}),
    "polling-booth-queue.jpg": (comp_crowd, WIDE, {
        "bg": [(0, "#efe6d2"), (0.5, "#d9c7a7"), (1, "#9b8566")],
        "clothes": ["#e94f37", "#f2c14e", "#2f9c95", "#8e44ad", "#f7f7f2", "#e67e22", "#16a085", "#c0392b"],
        "skin": ["#8d5524", "#a86b3c", "#c68642", "#7a4a2a"]}),
    "evm-ballot-unit.jpg": (comp_abstract, CLASSIC, {
        "bg": [(0, "#2b3a42"), (1, "#e5e5dc")], "shapes": ["#3b6ea5", "#f4f1de", "#e07a5f", "#81b29a"],
        "horizontal": True, "count": 7}),
    "counting-centre-hall.jpg": (comp_interior, WIDE, {
        "walls": [(0, "#e9e4d8"), (1, "#b9ae98")], "floor": "#8c7b63", "light": "#fffbe8", "tables": "#f2efe6",
        "people": ["#ffffff", "#e8d9b5", "#7a9e9f", "#d4a373"]}),
    "cyclone-odisha-coast.jpg": (comp_storm, WIDE, {
        "sky": [(0, "#2e3440"), (0.6, "#5b6675"), (1, "#8e9aa6")], "sea": [(0, "#4a5a63"), (1, "#1a252b")]}),
    "puri-fishing-boats.jpg": (comp_water, WIDE, {
        "sky": [(0, "#6c7a86"), (1, "#c9cfd2")], "water": [(0, "#7c8c8e"), (1, "#2e3b3d")], "shore": "#3f4a45",
        "boats": 5, "boat_colours": ["#1e88e5", "#e53935", "#fdd835", "#43a047", "#f4f1ea"], "horizon": 0.42}),
    "stepwell-restoration.jpg": (comp_stepwell, SQUARE, {"stone": "#c9955c", "water": "#2f4f4a"}),
    # World
    "climate-talks-plenary.jpg": (comp_interior, WIDE, {
        "walls": [(0, "#0f2740"), (1, "#1f4d6e")], "floor": "#13283a", "light": "#9fd3ff", "tables": "#d9e6f2",
        "people": ["#1c1c1c", "#3a3a3a", "#6b4e3d", "#f2f2f2", "#2b4c7e"], "screen": "#5fb3ff"}),
    "climate-march-placards.jpg": (comp_crowd, WIDE, {
        "bg": [(0, "#a9cce3"), (0.5, "#d6eaf8"), (1, "#8d9a8f")],
        "clothes": ["#2e86de", "#10ac84", "#ee5253", "#feca57", "#576574", "#ff9f43"],
        "skin": ["#f1c27d", "#8d5524", "#e0ac69", "#c68642", "#ffdbac"],
        "placards": ["#feca57", "#1dd1a1", "#ff6b6b", "#ffffff", "#48dbfb"]}),
    "coastal-seawall.jpg": (comp_water, WIDE, {
        "sky": [(0, "#8795a1"), (1, "#dfe4e7")], "water": [(0, "#8fa3a8"), (1, "#34474d")], "shore": "#55595b",
        "horizon": 0.5, "glint": "#f2f6f7"}),
    "island-desalination-plant.jpg": (comp_water, WIDE, {
        "sky": [(0, "#2f8fd8"), (1, "#bfe6fa")], "water": [(0, "#29b6c5"), (1, "#0c5d77")], "shore": "#2e6b3a",
        "palms": 10, "boats": 1, "boat_colours": ["#f8f8f8"], "solar_roof": True, "horizon": 0.52}),
    "savanna-freight-rail.jpg": (comp_perspective, WIDE, {
        "sky": [(0, "#f0a35e"), (0.8, "#f9d9a3"), (1, "#fbe8c4")], "ground": [(0, "#c89f5d"), (1, "#7d5a2e")],
        "bed": "#8b7d6b", "rails": True, "spread": 0.32, "sun": "#fff1c1", "trees": "#3d3a25", "horizon": 0.5}),
    "rail-junction-dusk.jpg": (comp_perspective, CLASSIC, {
        "sky": [(0, "#2c2a4a"), (0.7, "#8c5e8f"), (1, "#f29e6d")], "ground": [(0, "#4a3f4f"), (1, "#1f1a22")],
        "bed": "#5d5560", "rails": True, "spread": 0.45, "sun": "#ffc78a", "vx": 0.4}),
    "alpine-glacier.jpg": (comp_mountains, CLASSIC, {
        "sky": [(0, "#5b8fc7"), (0.8, "#d3e5f5"), (1, "#eef5fb")], "snow": True, "amp": 0.1, "peaks": True,
        "layers": ["#7f8ea3", "#9aabbf", "#e3ebf3", "#5f7266"]}),
    "university-campus-lawn.jpg": (comp_skyline, WIDE, {
        "sky": [(0, "#6fa8dc"), (1, "#e3f0fb")], "buildings": ["#b9826a", "#9c5b45", "#7d402e"],
        "windows": "#f6f1e1", "lit": 0.6, "ground": 0.68, "street": "#4c7a3d"}),
    # Business
    "markets-week-chart.png": ("chart", CLASSIC, {}),
    "trading-screens.jpg": (comp_bokeh, WIDE, {
        "bg": [(0, "#070b14"), (1, "#16213a")], "lights": ["#1dd1a1", "#ff6b6b", "#54a0ff", "#feca57"],
        "bars": True, "band": 0.5}),
    "ev-scooter-assembly.jpg": (comp_factory, WIDE, {
        "bg": [(0, "#e8edf2"), (1, "#b7c3cf")], "belt": "#59626b", "accent": "#00a6a6"}),
    "assam-tea-garden.jpg": (comp_mountains, WIDE, {
        "sky": [(0, "#a3c4dc"), (1, "#eef3e8")], "layers": ["#6f8f7a", "#4e7d4a", "#3f7d35", "#2f6b2a"],
        "rows": True, "amp": 0.08, "sun": "#fff6d5"}),
    "tea-auction-samples.jpg": (comp_abstract, WIDE, {
        "bg": [(0, "#3b2416"), (1, "#a0703f")], "shapes": ["#c47f3b", "#7a3e12", "#e7c08a", "#f5e6c8", "#5a2d0c"],
        "count": 8}),
    "kirana-qr-payments.jpg": (comp_grid, SQUARE, {
        "bg": [(0, "#f4a259"), (1, "#bc4b51")], "cells": 25, "a": "#141414", "b": "#fafafa", "qr": True,
        "margin": 0.2, "glow": "#fff3c4", "depth_blur": 3}),
    # Sports
    "ranji-trophy-ground.jpg": (comp_field, WIDE, {
        "sky": [(0, "#7db3e0"), (1, "#dceefa")], "turf": "#3f8f3a", "pitch": "#c9b27c",
        "crowd": ["#f5f5f5", "#1e3a8a", "#e5e7eb", "#f59e0b", "#60a5fa", "#d1d5db"]}),
    "floodlights-scoreboard.jpg": (comp_bokeh, WIDE, {
        "bg": [(0, "#05070d"), (0.6, "#0d1b2a"), (1, "#1b4332")], "lights": ["#fffbe6", "#fef3c7", "#ffd166", "#ffffff"],
        "band": 0.3}),
    "hockey-blue-turf.jpg": (comp_field, WIDE, {
        "sky": [(0, "#1d2b53"), (1, "#5c7aa8")], "turf": "#1f5fae", "lines": True, "floodlight": "#eef6ff",
        "crowd": ["#ff9933", "#ffffff", "#138808", "#1e3a8a", "#9ca3af"]}),
    "hockey-stick-ball.jpg": (comp_abstract, CLASSIC, {
        "bg": [(0, "#0b3d91"), (1, "#3a7bd5")], "shapes": ["#ffffff", "#f7b32b", "#0a2463", "#e8f1ff"], "count": 5}),
    # The hockey story's gallery (demo/ninjs/018, placed in the body between EMBED markers).
    "hockey-training-drills.jpg": (comp_field, WIDE, {
        "sky": [(0, "#f3b562"), (1, "#fde8c8")], "turf": "#1f5fae", "lines": True,
        "crowd": ["#ff9933", "#ffffff", "#138808", "#1e3a8a"]}),
    "hockey-team-huddle.jpg": (comp_crowd, WIDE, {
        "bg": [(0, "#1d2b53"), (0.5, "#2f5fa8"), (1, "#1f5fae")],
        "clothes": ["#ff9933", "#ffffff", "#138808", "#1e3a8a", "#ff9933"],
        "skin": ["#8d5524", "#a86b3c", "#c68642", "#7a4a2a"]}),
    "vizag-marathon-beach-road.jpg": (comp_perspective, WIDE, {
        "sky": [(0, "#f6b26b"), (0.7, "#ffe0b2"), (1, "#fff3e0")], "ground": [(0, "#c9b79c"), (1, "#8d7b68")],
        "bed": "#4a4a4f", "lane": "#f4f4f4", "spread": 0.55, "sun": "#fff4cc", "sea_left": "#5f93a8",
        "runners": 26, "horizon": 0.46, "vx": 0.56}),
    "chess-board-closeup.jpg": (comp_grid, SQUARE, {
        "bg": [(0, "#2b1d14"), (1, "#5a3b26")], "cells": 8, "a": "#e9d8b4", "b": "#7a5230", "pieces": 9,
        "margin": 0.06, "depth_blur": 8, "glow": "#ffe8b0"}),
    "chess-tournament-hall.jpg": (comp_interior, WIDE, {
        "walls": [(0, "#3c2f2f"), (1, "#7d6b5d")], "floor": "#5a4636", "light": "#fff1d6", "tables": "#efe6d6",
        "people": ["#1f1f1f", "#f2f2f2", "#2c3e50", "#7f8c8d"]}),
}


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, (comp, size, params) in IMAGES.items():
        rng = random.Random(name)  # str seeds are hashed with SHA-512: stable across runs
        path = OUT_DIR / name
        if not check_only:
            if comp == "chart":
                make_chart_png(size, rng, path)
            else:
                img = comp(size, rng, params)
                img.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        nbytes = path.stat().st_size
        total += nbytes
        print(f"{name:36} {size[0]}x{size[1]}  {nbytes / 1024:6.1f} KB")
    print(f"{len(IMAGES)} images, {total / 1024 / 1024:.2f} MB in {OUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
