// Plays by country as a tile map: one square per country, placed near its rough position on a world map
// (approximate centroids snapped to a grid, collisions moved to the nearest free cell). The echarts
// package ships no world outline, and the dashboard must work offline with no downloaded GeoJSON, so
// this is the map — every country the same size, which also keeps small countries visible.

/** ISO 3166 alpha-2 → approximate [latitude, longitude] of its centre (Russia drawn west of centre). */
const CENTROIDS: Record<string, [number, number]> = {
  US: [39, -98], CA: [56, -106], MX: [23, -102], GT: [15, -90], CU: [22, -80], JM: [18, -77], DO: [19, -70], PR: [18, -66], CR: [10, -84], PA: [9, -80],
  CO: [4, -73], VE: [7, -66], EC: [-1, -78], PE: [-10, -76], BR: [-10, -52], BO: [-17, -65], PY: [-23, -58], UY: [-33, -56], AR: [-34, -64], CL: [-31, -71],
  IS: [65, -18], IE: [53, -8], GB: [54, -2], PT: [39, -8], ES: [40, -4], FR: [46, 2], BE: [50, 4], NL: [52, 5], LU: [49.8, 6], CH: [47, 8], DE: [51, 10],
  DK: [56, 10], NO: [62, 10], SE: [62, 15], FI: [64, 26], IT: [42, 12], AT: [47, 14], CZ: [50, 15], SI: [46, 15], HR: [45, 16], PL: [52, 19], SK: [48, 19],
  HU: [47, 19], BA: [44, 18], RS: [44, 21], GR: [39, 22], LT: [55, 24], LV: [57, 25], EE: [59, 26], RO: [46, 25], BG: [43, 25], BY: [53, 28], UA: [49, 32],
  TR: [39, 35], RU: [60, 55], KZ: [48, 67], MA: [32, -6], DZ: [28, 3], TN: [34, 9], EG: [27, 30], IL: [31, 35], IQ: [33, 44], SA: [24, 45], IR: [32, 53],
  AE: [24, 54], PK: [30, 70], IN: [21, 78], BD: [24, 90], NG: [9, 8], GH: [8, -1], SN: [14, -14], ET: [9, 39], KE: [0, 38], ZA: [-29, 24],
  CN: [35, 104], MN: [46, 103], KR: [36, 128], JP: [36, 138], TW: [24, 121], HK: [22, 114], TH: [15, 101], VN: [16, 107], PH: [13, 122], MY: [4, 102],
  SG: [1, 104], ID: [-2, 118], AU: [-25, 134], NZ: [-41, 174],
};

export interface Tile {
  readonly code: string;
  readonly col: number;
  readonly row: number;
}

function layout(): Map<string, Tile> {
  const taken = new Set<string>();
  const out = new Map<string, Tile>();
  for (const [code, [lat, lon]] of Object.entries(CENTROIDS)) {
    const c0 = Math.round((lon + 120) / 8);
    const r0 = Math.round((72 - lat) / 6);
    let best: [number, number] | null = null;
    for (let d = 0; d < 12 && !best; d++) {
      let bestDist = Infinity;
      for (let dr = -d; dr <= d; dr++)
        for (let dc = -d; dc <= d; dc++) {
          if (Math.max(Math.abs(dr), Math.abs(dc)) !== d) continue;
          const c = c0 + dc;
          const r = r0 + dr;
          if (c < 0 || r < 0 || taken.has(`${c},${r}`)) continue;
          const dist = dr * dr + dc * dc;
          if (dist < bestDist) {
            bestDist = dist;
            best = [c, r];
          }
        }
    }
    const [col, row] = best ?? [c0, r0];
    taken.add(`${col},${row}`);
    out.set(code, { code, col, row });
  }
  return out;
}

export const TILES: ReadonlyMap<string, Tile> = layout();

/** Tiles for every known country plus the given ones not in the layout (appended on a row below). */
export function tilesFor(codes: readonly string[]): Tile[] {
  const tiles = [...TILES.values()];
  const maxRow = Math.max(...tiles.map((t) => t.row));
  let extra = 0;
  for (const c of codes) if (!TILES.has(c)) tiles.push({ code: c, col: extra++, row: maxRow + 2 });
  return tiles;
}
