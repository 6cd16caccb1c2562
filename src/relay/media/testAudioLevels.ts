// What the audio tests read: a tone's level (0..1) in the last 100 ms a party received (sim/farEnd's heardTone, a tone
// peer's `heard`, a page's ears in sim/pageVoice), and the lines that tell a voice heard from one absent.

/** A voice heard between the node peers (far ends, tone peers): a leg heard in a room measures 0.1 and more. */
export const HEARD = 0.05;
/** Nothing heard of a tone, in any one reading. */
export const SILENT = 0.004;
/**
 * The most one reading of an absent tone may reach where two mixes run in a row (whisper): concealment glitches leak
 * a little of the tones heard into the others (up to 0.035 measured), still below any voice heard (0.1 and more).
 */
export const GLITCH = 0.05;
/**
 * Under this the median of readings (`medianOver`) hears nothing of a tone: on a loaded machine glitches leak a little
 * of every tone into each reading (up to 0.007 in the median measured), while a voice heard is 0.1 and more in each.
 */
export const LEAKED = 0.02;
/** A voice heard in the e2e specs, where desks are Chromium pages speaking at gain 0.3 (sim/pageVoice.ts). */
export const PAGE_HEARD = 0.02;
/**
 * The median an absent tone may reach in a whisper with Chromium desks: CI's loaded machine measured 0.0045 of
 * concealment leak in the same rooms without a browser; half of PAGE_HEARD.
 */
export const PAGE_LEAKED = 0.01;
