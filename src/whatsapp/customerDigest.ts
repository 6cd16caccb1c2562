import { createHash } from 'node:crypto';

/**
 * An erased customer's name in the relay's list and on the wire: the SHA-256 of their number or user ID, so the list
 * that tells desks whom to forget does not itself spell out whom. (A number can be found again by trying them all:
 * this keeps the list from being read at a glance, it does not make it anonymous.)
 */
export const customerDigest = (customer: string): string => createHash('sha256').update(customer).digest('hex');
