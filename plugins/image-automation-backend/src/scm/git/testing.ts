import type { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that keeps every message and its fields, to assert what reaches logs. */
export function capturingLogger(): LoggerService & { text(): string } {
  const lines: string[] = [];
  const make = (fields: object): LoggerService & { text(): string } => {
    const log = (level: string) => (message: string, meta?: Error | object) => {
      lines.push(
        `${level} ${message} ${JSON.stringify({ ...fields, ...meta })} ${
          meta instanceof Error ? `${meta.message} ${meta.stack}` : ''
        }`,
      );
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (more: object) => make({ ...fields, ...more }),
      text: () => lines.join('\n'),
    };
  };
  return make({});
}
