#!/usr/bin/python3
"""Independent eclipse model for tests/unit/test_profiles_light_eclipses.cpp.

Run once (Debian 12: apt-get install python3-sgp4 python3-astropy; about 30 s) and paste its
output over the "clang-format off/on" block of the C++ test; ctest does not run Python. It shares no code with orbitbench:
  - positions: python-sgp4 (Vallado's SGP4 as a C++ extension, WGS-72, improved mode), TEME;
  - the Sun: astropy get_sun (ERFA epv00, VSOP2000-based, aberration included) transformed to
    TEME with IAU 2006/2000A precession-nutation, linearly interpolated between 60 s samples
    (the interpolation error is ~1e-11 rad);
  - the shadow: its own conical geometry (spherical Earth R = 6378.137 km, Sun R = 696 000 km),
    the lens area written with the law-of-cosines angles and Heron's formula;
  - events: illumination sampled every second, each crossing bisected to 0.1 ms.
Times are seconds after the TLE epoch (UTC; leap seconds ignored, as SGP4 does).
"""
import importlib.metadata
import math
import warnings

import numpy as np
from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.auto_max_age = None
iers.conf.iers_degraded_accuracy = "warn"  # silenced below: only the far future lacks UT1

import astropy.units as u  # noqa: E402
from astropy.coordinates import TEME, get_sun  # noqa: E402
from astropy.time import Time  # noqa: E402
from sgp4.api import WGS72, Satrec  # noqa: E402

warnings.simplefilter("ignore")

R_EARTH_KM = 6378.137
R_SUN_KM = 696000.0
MU_WGS72 = 398600.8
RE_WGS72 = 6378.135
J2_WGS72 = 0.001082616

# Wikipedia's ISS example TLE ("Two-line element set"), epoch 2008-09-20 12:25:40 UTC.
ISS = ("1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
       "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537")


def checksum(line):
    return sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in line[:68]) % 10


def sun_teme_unit(time):
    xyz = get_sun(time).transform_to(TEME(obstime=time)).cartesian.xyz.to_value(u.km)
    return xyz  # km, shape (3, n)


def dawn_dusk_tle(epoch_iso, satnum, altitude_km=650.0, ltan_h=18.0):
    """A made-up TLE: circular-ish (e = 0.001, perigee at 90°), sun-synchronous inclination
    from J2 (WGS-72), RAAN set so that the true Sun sits 15°/h·(12 − LTAN) from the node."""
    t = Time(epoch_iso, scale="utc")
    a = RE_WGS72 + altitude_km
    n_rad_s = math.sqrt(MU_WGS72 / a**3)
    omega_dot = 2 * math.pi / (365.2422 * 86400)
    cos_i = -omega_dot * 2 * a**3.5 / (3 * J2_WGS72 * RE_WGS72**2 * math.sqrt(MU_WGS72))
    inc = math.degrees(math.acos(cos_i))
    s = sun_teme_unit(t)
    ra_sun = math.degrees(math.atan2(s[1], s[0])) % 360
    raan = (ra_sun + 15.0 * (ltan_h - 12.0)) % 360
    year = t.datetime.year
    doy = (t.jd - Time(f"{year}-01-01T00:00:00", scale="utc").jd) + 1.0
    rev_per_day = n_rad_s * 86400 / (2 * math.pi)
    l1 = (f"1 {satnum:05d}U 25001A   {year % 100:02d}{doy:012.8f}  .00000000  00000-0  00000-0 0  999")
    l2 = (f"2 {satnum:05d} {inc:8.4f} {raan:8.4f} 0010000  90.0000 270.0000 {rev_per_day:11.8f}    1")
    assert len(l1) == 68 and len(l2) == 68, (len(l1), len(l2))
    return l1 + str(checksum(l1)), l2 + str(checksum(l2))


class Model:
    def __init__(self, tle, span_s):
        self.sat = Satrec.twoline2rv(*tle, WGS72)
        self.jd0, self.fr0 = self.sat.jdsatepoch, self.sat.jdsatepochF
        self.sun_t = np.arange(0.0, span_s + 120.0, 60.0)
        times = Time(self.jd0, self.fr0 + self.sun_t / 86400.0, format="jd", scale="utc")
        self.sun_km = sun_teme_unit(times)

    def sun(self, t_s):
        t_s = np.atleast_1d(t_s)
        return np.stack([np.interp(t_s, self.sun_t, self.sun_km[k]) for k in range(3)])

    def state(self, t_s):
        t_s = np.atleast_1d(np.asarray(t_s, dtype=float))
        fr = self.fr0 + t_s / 86400.0
        err, r, v = self.sat.sgp4_array(np.full_like(fr, self.jd0), fr)
        assert not err.any()
        return r.T, v.T  # (3, n)

    def illumination(self, t_s):
        r, _ = self.state(t_s)
        s = self.sun(t_s)
        d = s - r
        rn = np.linalg.norm(r, axis=0)
        dn = np.linalg.norm(d, axis=0)
        a = np.arcsin(R_SUN_KM / dn)          # Sun's apparent radius
        b = np.arcsin(R_EARTH_KM / rn)        # Earth's
        cosc = np.sum(-r * d, axis=0) / (rn * dn)
        sinc = np.linalg.norm(np.cross(-r.T, d.T), axis=1) / (rn * dn)
        c = np.arctan2(sinc, cosc)            # separation of the centres
        out = np.ones_like(c)
        for k in range(c.size):
            ak, bk, ck = a[k], b[k], c[k]
            if ck >= ak + bk:
                out[k] = 1.0
            elif ck <= bk - ak:
                out[k] = 0.0
            elif ck <= ak - bk:
                out[k] = 1.0 - (bk / ak) ** 2
            else:
                alpha = math.acos(max(-1.0, min(1.0, (ck * ck + ak * ak - bk * bk) / (2 * ck * ak))))
                beta = math.acos(max(-1.0, min(1.0, (ck * ck + bk * bk - ak * ak) / (2 * ck * bk))))
                kite = 0.5 * math.sqrt(max(0.0, (-ck + ak + bk) * (ck + ak - bk) * (ck - ak + bk) * (ck + ak + bk)))
                lens = ak * ak * alpha + bk * bk * beta - kite
                out[k] = 1.0 - lens / (math.pi * ak * ak)
        return out

    def beta_deg(self, t_s):
        r, v = self.state(t_s)
        h = np.cross(r.T, v.T).T
        s = self.sun(t_s)
        sin_b = np.sum(h * s, axis=0) / (np.linalg.norm(h, axis=0) * np.linalg.norm(s, axis=0))
        return np.degrees(np.arcsin(sin_b))


LEVELS = {"shadow": lambda f: f < 1.0 - 1e-9, "half": lambda f: f < 0.5, "umbra": lambda f: f <= 1e-9}


def crossing(model, level, t_a, t_b):
    pred = LEVELS[level]
    below_a = pred(model.illumination(t_a)[0])
    while t_b - t_a > 1e-4:
        t_m = 0.5 * (t_a + t_b)
        if pred(model.illumination(t_m)[0]) == below_a:
            t_a = t_m
        else:
            t_b = t_m
    return 0.5 * (t_a + t_b)


def events(model, span_s):
    """Every eclipse fully inside (0, span_s): six instants (half/umbra may be None)."""
    t = np.arange(0.0, span_s + 0.5, 1.0)
    f = np.concatenate([model.illumination(chunk) for chunk in np.array_split(t, 32)])
    found = []
    current = None
    for k in range(1, t.size):
        for level in ("umbra", "half", "shadow"):  # exits first, innermost first
            pred = LEVELS[level]
            if pred(f[k - 1]) and not pred(f[k]) and current is not None:
                current[level + "_exit"] = crossing(model, level, t[k - 1], t[k])
                if level == "shadow":
                    found.append(current)
                    current = None
        for level in ("shadow", "half", "umbra"):
            pred = LEVELS[level]
            if not pred(f[k - 1]) and pred(f[k]):
                tc = crossing(model, level, t[k - 1], t[k])
                if level == "shadow":
                    current = {"shadow_entry": tc}
                elif current is not None:
                    current[level + "_entry"] = tc
    return found


def fmt(x):
    return "std::nullopt" if x is None else f"{x:.4f}"


def print_case(name, array, tle, span_s):
    model = Model(tle, span_s)
    print(f"// {name}: {tle[0]}")
    print(f"//   {tle[1]}")
    print(f"// penumbra entry, half entry, umbra entry, umbra exit, half exit, penumbra exit [s after epoch]")
    print(f"constexpr std::array {array}{{")
    for e in events(model, span_s):
        keys = ["shadow_entry", "half_entry", "umbra_entry", "umbra_exit", "half_exit", "shadow_exit"]
        print("    ReferenceEclipse{" + ", ".join(fmt(e.get(k)) for k in keys) + "},")
    print("};")


def print_season(tle, days):
    """Per day: beta at the day's start, and shadow seconds during the first 100 minutes
    (one orbit and a bit) sampled every 10 s."""
    model = Model(tle, days * 86400.0 + 6000.0)
    print(f"// dawn-dusk season: {tle[0]}")
    print(f"//   {tle[1]}")
    print("// day after epoch, beta deg at the day's start, shadow s in its first 100 min (10 s samples)")
    print("constexpr std::array kDawnDuskYearReference{")
    for day in range(days):
        t0 = day * 86400.0
        beta = model.beta_deg(t0)[0]
        t = t0 + np.arange(0.0, 6000.0, 10.0)
        shadow_s = 10.0 * np.count_nonzero(model.illumination(t) < 1.0 - 1e-9)
        print(f"    SeasonDay{{{day}, {beta:.3f}, {shadow_s:.0f}}},")
    print("};")


def main():
    print("// clang-format off")
    print("// generated by tests/unit/light_reference/eclipse_reference.py "
          f"(python-sgp4 {importlib.metadata.version('sgp4')}, astropy {__import__('astropy').__version__})")
    print_case("ISS", "kIssReference", ISS, 86400.0)
    solstice = dawn_dusk_tle("2025-06-21T00:00:00", 99901)
    print_case("dawn-dusk SSO 650 km, LTAN 18:00, June solstice", "kDawnDuskSolsticeReference",
               solstice, 86400.0)
    year = dawn_dusk_tle("2025-01-01T00:00:00", 99902)
    print_season(year, 365)
    print("// clang-format on")


if __name__ == "__main__":
    main()
