/**
 * How the simulated Meta judges the SIP part of POST /{phone-number-id}/settings ("Configure Call Settings" and
 * "SIP Configuration Guide", Meta, 2026), written apart from the desk's own check: `sip.status` and
 * `sip.webhook_delivery` are ENABLED or DISABLED; one server per number, named by a host name its TLS certificate
 * covers (so not an IP address), on a port from 1 to 65535; the request URI's user parameters are strings; SIP on
 * needs its server; `srtp_key_exchange_protocol` is DTLS or SDES, and SDES (keys in the SIP signalling) only with SIP
 * on. `merged` is the calling settings as they would be after the change.
 */
export function sipProblem(calling: Record<string, unknown>, merged: Record<string, unknown>): string | undefined {
  const onOff = (v: unknown) => v === 'ENABLED' || v === 'DISABLED';
  const sip = calling.sip as Record<string, unknown> | undefined;
  if (sip !== undefined) {
    if (typeof sip !== 'object' || sip === null) return 'sip: an object';
    if (!onOff(sip.status)) return 'sip.status: ENABLED or DISABLED';
    if (sip.webhook_delivery !== undefined && !onOff(sip.webhook_delivery))
      return 'sip.webhook_delivery: ENABLED or DISABLED';
    const servers = sip.servers ?? [];
    if (!Array.isArray(servers)) return 'sip.servers: a list';
    if (servers.length > 1) return 'sip.servers: one SIP server per phone number';
    if (sip.status === 'ENABLED' && servers.length === 0) return 'sip.servers: required when SIP is enabled';
    for (const server of servers as Array<Record<string, unknown>>) {
      const host = String(server?.hostname ?? '');
      const labels = host.split('.');
      const hostOk =
        host.length <= 253 &&
        labels.length >= 2 &&
        labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l)) &&
        /[a-z]/i.test(labels[labels.length - 1]!);
      if (!hostOk) return `sip.servers.hostname: ${host} is not a host name`;
      if (
        server.port !== undefined &&
        !(Number.isInteger(server.port) && Number(server.port) >= 1 && Number(server.port) <= 65535)
      )
        return 'sip.servers.port: 1 to 65535';
      const params = server.request_uri_user_params;
      if (params !== undefined) {
        if (typeof params !== 'object' || params === null || Array.isArray(params))
          return 'sip.servers.request_uri_user_params: an object of strings';
        if (Object.values(params).some((v) => typeof v !== 'string'))
          return 'sip.servers.request_uri_user_params: values must be strings';
      }
    }
  }
  const srtp = calling.srtp_key_exchange_protocol;
  if (srtp !== undefined && srtp !== 'DTLS' && srtp !== 'SDES') return 'srtp_key_exchange_protocol: DTLS or SDES';
  const sipAfter = merged.sip as { status?: unknown } | undefined;
  if (merged.srtp_key_exchange_protocol === 'SDES' && String(sipAfter?.status ?? '').toUpperCase() !== 'ENABLED')
    return 'srtp_key_exchange_protocol: SDES can be used only when SIP signaling is enabled';
  return undefined;
}
