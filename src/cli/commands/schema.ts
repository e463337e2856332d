/** `faultline schema`: the experiment definition's JSON Schema (also in schema/experiment.schema.json). */
import { z } from 'zod';
import { experimentSchema } from '../../shared/experiment-schema';
import { defineCommand } from '../command';

export function experimentJsonSchema(): unknown {
  return {
    $id: 'https://faultline.dev/schema/experiment.schema.json',
    title: 'faultline experiment',
    ...z.toJSONSchema(experimentSchema, { io: 'input' }),
  };
}

export const schemaCommand = defineCommand({
  summary: "print the experiment definition's JSON Schema",
  options: {},
  examples: ['faultline schema > schema/experiment.schema.json'],
  async run() {
    process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
    return 0;
  },
});
