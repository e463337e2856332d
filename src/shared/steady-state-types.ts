/** The steady-state hypothesis as checked: per path and, with payments, the payment service. Pure types. */

export interface SteadyStateCheck {
  holds: boolean;
  checkedAt: string;
  paths: Array<{
    path: string;
    attempts: number;
    successRate: number | null;
    p99Ms: number | null;
    downAtEnd: boolean;
    holds: boolean;
    reason?: string;
  }>;
  paymentService?: PaymentServiceCheck;
  /** Each HTTP target's health request (`http.health`). */
  http?: HttpHealthCheck[];
}

export interface HttpHealthCheck {
  target: string;
  path: string;
  /** null: no answer. */
  status: number | null;
  latencyMs: number | null;
  holds: boolean;
  reason?: string;
}

export interface PaymentServiceCheck {
  holds: boolean;
  status: number | null;
  body?: unknown;
  reason?: string;
}
