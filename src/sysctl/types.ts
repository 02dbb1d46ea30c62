/** Sysctl keys and values as every stage names them. */

/** A sysctl key in canonical dotted form, e.g. `net.ipv4.tcp_keepalive_time`. */
export type SysctlKey = string;

/**
 * A sysctl value as sysfleet compares it: whitespace-separated fields joined by one space
 * (the kernel prints tabs for multi-value keys). Numeric comparison happens field by field.
 */
export type SysctlValue = string;
