/** Reads business_products through Kysely on a named connection: the lab's smallest end-to-end proof. */
import { openDatabase } from '../../platform/database/open-database';

export interface ProductCount {
  connection: string;
  products: number;
  categories: number;
}

export async function countProducts(connection: string): Promise<ProductCount> {
  const db = openDatabase(connection, { poolSize: 1 });
  try {
    const row = await db
      .selectFrom('business_products')
      .select((eb) => [
        eb.fn.countAll<string>().as('products'),
        eb.fn.count<string>('category').distinct().as('categories'),
      ])
      .executeTakeFirstOrThrow();
    return { connection, products: Number(row.products), categories: Number(row.categories) };
  } finally {
    await db.destroy();
  }
}
