/**
 * Which server a probed path's fresh connections reach (`inet_server_addr()`): the first success
 * names the one before the fault (the probe starts before the action), and the first later success
 * on another is the endpoint routing elsewhere (a new writer behind the same address).
 */

/** The server's address as it sees the connection; 'local' over a Unix socket. */
export const SERVER_QUERY = "SELECT coalesce(host(inet_server_addr()), 'local') AS server";

export interface Routed {
  from: string;
  to: string;
  at: number;
}

export class ServerRouting {
  private before: string | null = null;
  routed: Routed | null = null;

  saw(server: string, at: number): void {
    if (this.before === null) this.before = server;
    else if (this.routed === null && server !== this.before) this.routed = { from: this.before, to: server, at };
  }
}
