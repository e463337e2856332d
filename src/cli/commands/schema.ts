/** `faultline schema`: the experiment definition's JSON Schema (also in schema/experiment.schema.json). */
import { z } from 'zod';
import { experimentSchema } from '../../shared/experiment-schema';
import type { Command } from '../command';

export function experimentJsonSchema(): unknown {
  return {
    $id: 'https://faultline.dev/schema/experiment.schema.json',
    title: 'faultline experiment',
    ...z.toJSONSchema(experimentSchema, { io: 'input' }),
  };
}

export const schemaCommand: Command = {
  summary: "print the experiment definition's JSON Schema",
  async run() {
    process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
