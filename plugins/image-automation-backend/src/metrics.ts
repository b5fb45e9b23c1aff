import { MetricsService } from '@backstage/backend-plugin-api/alpha';

/**
 * The plugin's OpenTelemetry instruments. Attributes carry repositories and
 * registries, never credentials.
 */
export class ImageAutomationMetrics {
  static create(metrics: MetricsService): ImageAutomationMetrics {
    return new ImageAutomationMetrics(metrics);
  }

  private readonly scans;
  private readonly scanErrors;
  private readonly tagsSeen;
  private readonly updatesProposed;
  private readonly cycleDuration;
  private readonly registryLatency;
  private readonly writeBacks;
  private readonly webhookEvents;

  private constructor(metrics: MetricsService) {
    this.scans = metrics.createCounter('image_automation.scans', {
      description: 'Image repository scans (tag lists) sent to registries',
    });
    this.scanErrors = metrics.createCounter('image_automation.scan_errors', {
      description: 'Failed image repository scans, by error kind',
    });
    this.tagsSeen = metrics.createHistogram('image_automation.tags_seen', {
      description: 'Tags listed per repository scan',
    });
    this.updatesProposed = metrics.createCounter(
      'image_automation.updates_proposed',
      {
        description: 'Images found behind the newest allowed tag',
      },
    );
    this.cycleDuration = metrics.createHistogram(
      'image_automation.cycle_duration',
      {
        description: 'Duration of one automation cycle',
        unit: 's',
      },
    );
    this.registryLatency = metrics.createHistogram(
      'image_automation.registry_latency',
      {
        description: 'Duration of one repository scan against its registry',
        unit: 'ms',
      },
    );
    this.writeBacks = metrics.createCounter('image_automation.write_backs', {
      description: 'Write-backs (pull requests, pushes), by outcome',
    });
    this.webhookEvents = metrics.createCounter(
      'image_automation.webhook_events',
      {
        description:
          'Registry webhook deliveries, by provider and outcome (scheduled, unknown-repository, ignored, unauthorized, too-large, bad-request, not-configured)',
      },
    );
  }

  recordScan(registry: string, durationMs: number, tags: number) {
    this.scans.add(1, { registry });
    this.tagsSeen.record(tags, { registry });
    this.registryLatency.record(durationMs, { registry });
  }

  recordScanError(registry: string, kind: string) {
    this.scanErrors.add(1, { registry, kind });
  }

  recordUpdatesProposed(count: number) {
    if (count > 0) this.updatesProposed.add(count);
  }

  recordCycle(durationMs: number, entities: number) {
    this.cycleDuration.record(durationMs / 1000, {
      entities_bucket: bucket(entities),
    });
  }

  recordWriteBack(outcome: string) {
    this.writeBacks.add(1, { outcome });
  }

  recordWebhookEvent(provider: string, outcome: string) {
    this.webhookEvents.add(1, { provider, outcome });
  }
}

function bucket(n: number): string {
  if (n < 10) return '<10';
  if (n < 100) return '<100';
  if (n < 1000) return '<1000';
  return '>=1000';
}
