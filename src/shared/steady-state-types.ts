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
}

export interface PaymentServiceCheck {
  holds: boolean;
  status: number | null;
  body?: unknown;
  reason?: string;
}
