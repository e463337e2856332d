/** Kysely types of the tables in init.sql (seed 001's business tables and seed 000's payments). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** DECIMAL comes back from pg as a string (exact); write it as a number or a string. */
type Decimal = ColumnType<string, number | string, number | string>;

export interface BusinessUsersTable {
  id: Generated<number>;
  username: string;
  email: string;
  created_at: Generated<Date>;
  last_login: Timestamp | null;
  login_count: Generated<number>;
  status: Generated<string>;
}

export interface BusinessOrdersTable {
  id: Generated<number>;
  user_id: number | null;
  order_number: string;
  amount: Decimal;
  status: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface BusinessProductsTable {
  id: Generated<number>;
  name: string;
  price: Decimal;
  stock: Generated<number>;
  category: string | null;
  created_at: Generated<Date>;
}

export interface BusinessLogsTable {
  id: Generated<number>;
  user_id: number | null;
  action: string;
  details: string | null;
  ip_address: string | null;
  created_at: Generated<Date>;
}

export interface PaymentsTable {
  id: Generated<string>;
  order_id: string;
  amount: Decimal;
  status: Generated<'pending' | 'confirmed'>;
  created_at: Generated<Date>;
  confirmed_at: Timestamp | null;
}

export interface BusinessDatabase {
  business_users: BusinessUsersTable;
  business_orders: BusinessOrdersTable;
  business_products: BusinessProductsTable;
  business_logs: BusinessLogsTable;
  payments: PaymentsTable;
}
