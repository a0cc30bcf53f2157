// Colours: Okabe–Ito's eight colours for categories (distinguishable with every common colour-vision
// deficiency) and viridis for quantities (light = few, dark = many), both readable in greyscale.
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
export const SEQUENTIAL = ['#fde725', '#90d743', '#35b779', '#21918c', '#31688e', '#443983', '#440154'] as const;
export const INK = '#1b1f24';
export const MUTED = '#57606a';
