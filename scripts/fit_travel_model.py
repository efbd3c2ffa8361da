#!/usr/bin/env python3
"""Fits Lotse's calibrated travel model (issue 15) on road-network drive times, reproducibly.

Input  (../shared/data, or --data DIR):
  mv_drive_minutes_to_ed.csv  car minutes from 492 MV municipalities to the nearest emergency department
                              (Deutschlandatlas 2024, p_notfall, OpenStreetMap roads) with population density;
  mv_gemeinden.csv            all 726 municipalities: position, population, area;
  mv_hospitals.csv            MV hospital sites with their G-BA emergency level.
Output (--out, default Sources/LotseDispatch/Resources/travel-model.json): the model's parameters, a grid of what
  depends on the origin only (access time + local correction, 0.02° cells over MV), and the cross-validated
  accuracy; --report DIR writes SVG maps of the residuals (new and old model) for Docs/RANKING.md.
Run: python3 scripts/fit_travel_model.py --report Docs/travel   (numpy, scipy; ≈ 10 s)

The model: minutes = access + road km / speed(road km), road km = great-circle km × detour, speed rising from
`vShort` to `vLong` with the trip's length (scale `dHalf`), access growing with settlement density; then a local
correction (a Gaussian kernel average of the residuals of nearby fitted municipalities, shrunk to 0 where there are
none) for what the road network does there (bridges, peninsulas, lakes, the Haff). The destination set for the
"nearest emergency department" is every MV site with a G-BA emergency level. Accuracy is measured with spatially
blocked 5-fold cross-validation: each fold's municipalities are predicted by a model fitted without them (and
without their neighbours' residuals from the same block), which is how the withheld municipalities will be judged.
"""
import argparse, csv, json, math, os, sys
import numpy as np
from scipy.optimize import least_squares

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EARTH_KM = 6371.0088


def load(data):
    g = {r["ags"]: r for r in csv.DictReader(open(os.path.join(data, "mv_gemeinden.csv"), encoding="utf-8"))}
    d = {r["ags"]: r for r in csv.DictReader(open(os.path.join(data, "mv_drive_minutes_to_ed.csv"), encoding="utf-8"))}
    hs = [r for r in csv.DictReader(open(os.path.join(data, "mv_hospitals.csv"), encoding="utf-8")) if int(r["notfallstufe"] or 0) >= 1]
    ags = sorted(g)
    lat = np.array([float(g[a]["lat"]) for a in ags]); lon = np.array([float(g[a]["lon"]) for a in ags])
    pop = np.array([float(g[a]["population"]) for a in ags]); area = np.array([float(g[a]["area_km2"]) for a in ags])
    dens = pop / np.maximum(area, 0.1)
    y = np.array([float(d[a]["minutes_to_emergency_department"]) if a in d else np.nan for a in ags])
    hlat = np.array([float(h["lat"]) for h in hs]); hlon = np.array([float(h["lon"]) for h in hs])
    return ags, lat, lon, pop, dens, y, hlat, hlon


def gc_km(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1, a)))


NAMES = ["access0", "accessDensity", "detour", "vShort", "vLong", "dHalf"]
# Detour and the speed's length scale are fixed (road km ≈ 1.3 × great-circle km, the speed halfway to vLong at 30 km
# of road): free, they trade off against the speeds without changing the fit (the data are trips of 2–50 km).
DETOUR, D_HALF = 1.3, 30.0
START = [2.0, 0.5, 40.0, 70.0]
LOWER = [0.0, 0.0, 10.0, 30.0]
UPPER = [10.0, 3.0, 100.0, 100.0]


def minutes(p, km, dens):
    """The parametric part, for great-circle `km` from an origin of density `dens` (inhabitants per km²)."""
    access0, accessDensity, vShort, vLong = p
    detour, dHalf = DETOUR, D_HALF
    road = km * detour
    speed = vLong - (vLong - vShort) * np.exp(-road / dHalf)
    return access0 + accessDensity * np.log1p(dens / 100.0) + road / speed * 60.0


def nearest(p, D, dens):
    return np.min(minutes(p, D, dens[:, None]), axis=1)


def fit(D, dens, y):
    r = least_squares(lambda p: nearest(p, D, dens) - y, START, bounds=(LOWER, UPPER), loss="soft_l1", f_scale=2.0)
    return r.x


def kernel_correction(lat_q, lon_q, lat_t, lon_t, res_t, h, shrink):
    """Gaussian-kernel average of training residuals around each query point, shrunk towards 0 by `shrink` units of
    weight (where few fitted municipalities are near, little correction)."""
    K = gc_km(lat_q[:, None], lon_q[:, None], lat_t[None, :], lon_t[None, :])
    W = np.exp(-0.5 * (K / h) ** 2)
    return (W @ res_t) / (W.sum(axis=1) + shrink)


def folds_of(lat, lon, k, spatial, seed=11):
    """Random folds (default): the withheld municipalities are spread like the fitted ones (their nearest fitted
    neighbour is ≈ 4 km away, as for the fitted among themselves), so a fold of random municipalities is how they
    will be judged. Spatial blocks (0.25° × 0.4° cells, ≈ 28 km, dealt to folds): the harder case of a whole region
    without data, reported beside it."""
    rng = np.random.default_rng(seed)
    if not spatial:
        return rng.permutation(len(lat)) % k
    cell = np.floor(lat / 0.25).astype(int) * 1000 + np.floor(lon / 0.4).astype(int)
    cells = np.unique(cell)
    fold_of = dict(zip(cells, rng.permutation(len(cells)) % k))
    return np.array([fold_of[c] for c in cell])


def cross_validate(lat, lon, dens, D, y, h, shrink, k=5, spatial=False):
    known = ~np.isnan(y)
    folds = folds_of(lat, lon, k, spatial)
    pred = np.full(len(y), np.nan)
    for f in range(k):
        train = known & (folds != f); test = known & (folds == f)
        p = fit(D[train], dens[train], y[train])
        base_train = nearest(p, D[train], dens[train])
        corr = kernel_correction(lat[test], lon[test], lat[train], lon[train], y[train] - base_train, h, shrink) if h > 0 else 0
        pred[test] = nearest(p, D[test], dens[test]) + corr
    e = pred[known] - y[known]
    return pred, {"maeMinutes": round(float(np.mean(np.abs(e))), 3), "biasMinutes": round(float(np.mean(e)), 3),
                  "p90AbsMinutes": round(float(np.percentile(np.abs(e), 90)), 3), "municipalities": int(known.sum()), "folds": k,
                  "split": "spatial blocks" if spatial else "random"}


def svg_map(path, lat, lon, res, title):
    """Residuals (model − road network, minutes) as coloured dots on a plain lat/lon frame of MV."""
    x0, x1, y0, y1 = 10.5, 14.5, 53.0, 54.75
    W, H = 800, 560
    def xy(la, lo): return ((lo - x0) / (x1 - x0) * W, (y1 - la) / (y1 - y0) * H)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H + 40}" width="{W}" height="{H + 40}" font-family="sans-serif" font-size="12">',
           f'<title>{title}</title><rect width="{W}" height="{H}" fill="#f4f6f8"/>']
    for la, lo, r in zip(lat, lon, res):
        if np.isnan(r): continue
        x, yv = xy(la, lo)
        c = "#b2182b" if r > 2 else "#ef8a62" if r > 0.5 else "#67a9cf" if r < -2 else "#d1e5f0" if r < -0.5 else "#999999"
        out.append(f'<circle cx="{x:.1f}" cy="{yv:.1f}" r="4" fill="{c}"><title>{r:+.1f} min</title></circle>')
    legend = [("#b2182b", "Modell > 2 min zu langsam"), ("#ef8a62", "0,5–2 min zu langsam"), ("#999999", "±0,5 min"),
              ("#d1e5f0", "0,5–2 min zu schnell"), ("#67a9cf", "> 2 min zu schnell")]
    for i, (c, t) in enumerate(legend):
        out.append(f'<circle cx="{12 + i * 160}" cy="{H + 20}" r="5" fill="{c}"/><text x="{22 + i * 160}" y="{H + 24}">{t}</text>')
    out.append("</svg>")
    open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Sources", "LotseDispatch", "Resources", "travel-model.json"))
    ap.add_argument("--report", default=None, help="directory for the SVG residual map")
    ap.add_argument("--version", default="mv-2026.12-1")
    a = ap.parse_args()
    ags, lat, lon, pop, dens, y, hlat, hlon = load(a.data)
    D = gc_km(lat[:, None], lon[:, None], hlat[None, :], hlon[None, :])
    known = ~np.isnan(y)

    # The old model, for comparison (great-circle × 1.3 at 60 km/h, nearest site).
    old = np.min(D * 1.3 / 60 * 60, axis=1)
    old_e = old[known] - y[known]

    # Choose the kernel's bandwidth and shrinkage by cross-validation (a small grid: what generalises).
    best = None
    for h in [0, 3, 4, 5, 6, 8]:
        for shrink in [0.3, 1.0, 2.0]:
            if h == 0 and shrink != 0.3: continue
            _, m = cross_validate(lat, lon, dens, D, y, h, shrink)
            print(f"h={h:>2} km shrink={shrink}: MAE {m['maeMinutes']:.2f} bias {m['biasMinutes']:+.2f} p90 {m['p90AbsMinutes']:.2f}", file=sys.stderr)
            if best is None or m["maeMinutes"] < best[2]["maeMinutes"]: best = (h, shrink, m)
    h, shrink, cv = best
    pred_cv, cv = cross_validate(lat, lon, dens, D, y, h, shrink)
    _, cv_spatial = cross_validate(lat, lon, dens, D, y, h, shrink, spatial=True)
    _, cv_base = cross_validate(lat, lon, dens, D, y, 0, 0.3)

    # The final model: fitted on every known municipality; corrections on a grid over MV.
    p = fit(D[known], dens[known], y[known])
    res = y[known] - nearest(p, D[known], dens[known])
    glat0, glon0, step = 53.05, 10.55, 0.02
    nlat, nlon = int((54.72 - glat0) / step) + 1, int((14.45 - glon0) / step) + 1
    GL, GO = np.meshgrid(glat0 + step * np.arange(nlat), glon0 + step * np.arange(nlon), indexing="ij")
    grid = kernel_correction(GL.ravel(), GO.ravel(), lat[known], lon[known], res, h, shrink) if h > 0 else np.zeros(GL.size)
    # What depends on the origin only, per cell: the access time at the density of the nearest municipality, plus the
    # local correction. At run time: minutes = originMinutes(position, bilinear) + road km / speed(road km).
    nearest_m = np.argmin(gc_km(GL.ravel()[:, None], GO.ravel()[:, None], lat[None, :], lon[None, :]), axis=1)
    access = p[0] + p[1] * np.log1p(dens[nearest_m] / 100.0)
    origin_minutes = access + grid

    # Every municipality (also those withheld) with the final model: population within 15 / 30 minutes.
    corr_all = kernel_correction(lat, lon, lat[known], lon[known], res, h, shrink) if h > 0 else 0
    all_pred = nearest(p, D, dens) + corr_all
    share = lambda t, m: float(pop[t <= m].sum() / pop.sum())
    # Predictions as Lotse computes them (grid, bilinear; nearest MV emergency department, urgency 2) for a sample of
    # municipalities: the Swift tests compare its implementation with this one.
    def grid_minutes(la, lo):
        r, c = (la - glat0) / step, (lo - glon0) / step
        if r < 0 or c < 0 or r > nlat - 1 or c > nlon - 1: return float(p[0] + p[1] * np.log1p(np.median(dens) / 100.0))
        r0, c0 = min(int(r), nlat - 2), min(int(c), nlon - 2); fr, fc = r - r0, c - c0
        m = origin_minutes.reshape(nlat, nlon)
        return (m[r0, c0] * (1 - fc) + m[r0, c0 + 1] * fc) * (1 - fr) + (m[r0 + 1, c0] * (1 - fc) + m[r0 + 1, c0 + 1] * fc) * fr
    def lotse_nearest(i):
        road = D[i] * DETOUR
        speed = p[3] - (p[3] - p[2]) * np.exp(-road / D_HALF)
        return max(0.0, grid_minutes(lat[i], lon[i])) + float(np.min(road / speed * 60))
    sample = np.random.default_rng(3).choice(len(ags), 60, replace=False)
    checks = [{"ags": ags[i], "lat": float(lat[i]), "lon": float(lon[i]), "minutes": round(lotse_nearest(i), 4)} for i in sorted(sample)]
    lotse_all = np.array([lotse_nearest(i) for i in range(len(ags))])
    lotse_e = lotse_all[known] - y[known]
    model = {
        "name": "calibrated-mv", "version": a.version,
        "description": "access + road km / speed(road km), road km = great-circle km × detour, access rising with density; plus a local correction learnt from road-network drive times (Deutschlandatlas 2024, p_notfall) — scripts/fit_travel_model.py",
        "parameters": dict(zip(NAMES, [round(float(v), 4) for v in [p[0], p[1], DETOUR, p[2], p[3], D_HALF]])),
        "sondersignalFactor": 0.8,
        "correction": {"bandwidthKm": h, "shrink": shrink},
        "originGrid": {"lat0": glat0, "lon0": glon0, "step": step, "rows": nlat, "columns": nlon,
                       "outsideMinutes": round(float(p[0] + p[1] * np.log1p(np.median(dens) / 100.0)), 3),
                       "minutes": [round(float(v), 2) for v in origin_minutes]},
        "accuracy": {"crossValidated": cv, "crossValidatedSpatialBlocks": cv_spatial, "crossValidatedWithoutCorrection": cv_base,
                     "previousModel": {"name": "great-circle", "maeMinutes": round(float(np.mean(np.abs(old_e))), 3),
                                       "biasMinutes": round(float(np.mean(old_e)), 3), "p90AbsMinutes": round(float(np.percentile(np.abs(old_e), 90)), 3)},
                     "populationWithin15": round(share(all_pred, 15), 4), "populationWithin30": round(share(all_pred, 30), 4),
                     "previousPopulationWithin15": round(share(old, 15), 4), "previousPopulationWithin30": round(share(old, 30), 4),
                     "fittedMunicipalitiesWithin15": {"roadNetwork": round(float(pop[known & (y <= 15)].sum() / pop[known].sum()), 4),
                                                      "crossValidated": round(float(pop[known & (pred_cv <= 15)].sum() / pop[known].sum()), 4)},
                     "krankenhausatlasWithin15": 0.535, "krankenhausatlasWithin30": 0.939,
                     "asShippedOnFittedMunicipalities": {"maeMinutes": round(float(np.mean(np.abs(lotse_e))), 3),
                                                         "biasMinutes": round(float(np.mean(lotse_e)), 3)}},
        "checks": checks,
    }
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    json.dump(model, open(a.out, "w", encoding="utf-8"), ensure_ascii=False, separators=(",", ":"))
    print(json.dumps({k: v for k, v in model.items() if k != "originGrid"}, ensure_ascii=False, indent=1))
    if a.report:
        svg_map(os.path.join(a.report, "travel-residuals.svg"), lat, lon, pred_cv - y,
                "Kreuzvalidierte Abweichung Modell − Straßennetz (Minuten) je Gemeinde")
        svg_map(os.path.join(a.report, "travel-residuals-old.svg"), lat, lon, np.where(known, old - y, np.nan),
                "Abweichung bisheriges Modell (Luftlinie × 1,3 bei 60 km/h) − Straßennetz (Minuten)")


if __name__ == "__main__":
    main()
