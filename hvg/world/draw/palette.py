"""Colours that depend on the time of day and the weather: sky gradients, the light on the ground and objects."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Rgb = tuple[float, float, float]

SKY: dict[str, tuple[Rgb, Rgb]] = {            # (zenith, horizon)
    "dawn": ((96, 110, 175), (250, 185, 160)),
    "day": ((62, 135, 228), (185, 218, 246)),
    "sunset": ((58, 52, 120), (252, 140, 62)),
    "night": ((6, 8, 26), (28, 38, 78)),
}
LIGHT: dict[str, Rgb] = {                      # multiplies the colour of everything lit
    "dawn": (0.95, 0.84, 0.86), "day": (1.0, 1.0, 1.0), "sunset": (1.0, 0.78, 0.62), "night": (0.34, 0.38, 0.6),
}
WEATHER_LIGHT: dict[str, float] = {"clear": 1.0, "cloudy": 0.85, "rain": 0.7, "snow": 0.95, "fog": 0.9}
WEATHER_SKY: dict[str, tuple[Rgb, float]] = {  # the sky is pulled towards this colour by this much
    "clear": ((0, 0, 0), 0.0), "cloudy": ((150, 155, 165), 0.55), "rain": ((95, 100, 112), 0.75),
    "snow": ((205, 210, 220), 0.6), "fog": ((200, 204, 210), 0.6),
}
FOG: dict[str, Rgb] = {"dawn": (225, 210, 210), "day": (222, 226, 230), "sunset": (225, 190, 170),
                       "night": (60, 66, 84)}


@dataclass(frozen=True)
class Palette:
    zenith: np.ndarray
    horizon: np.ndarray
    light: np.ndarray          # (3,) factor for lit surfaces
    night: bool

    def lit(self, color) -> np.ndarray:
        return np.asarray(color, np.float32) * self.light


def palette(time_of_day: str, weather: str) -> Palette:
    zenith, horizon = (np.asarray(c, np.float32) for c in SKY.get(time_of_day, SKY["day"]))
    pull, amount = WEATHER_SKY.get(weather, WEATHER_SKY["clear"])
    dim = 1.0 if time_of_day != "night" else 0.3
    zenith = zenith + (np.asarray(pull, np.float32) * dim - zenith) * amount
    horizon = horizon + (np.asarray(pull, np.float32) * dim - horizon) * amount
    light = np.asarray(LIGHT.get(time_of_day, LIGHT["day"]), np.float32) * WEATHER_LIGHT.get(weather, 1.0)
    return Palette(zenith, horizon, light, time_of_day == "night")


def object_light(time_of_day: str, weather: str) -> tuple[float, float, float]:
    """The tint objects get: a softened version of the ground light, so objects stay readable at night."""
    light = palette(time_of_day, weather).light
    return tuple(float(v) for v in 0.55 + 0.45 * light)
