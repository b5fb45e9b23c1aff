import { ImageReference } from '@image-automation/plugin-image-automation-common';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import { RegistryFactsStore, TagDigest } from '../database/RegistryFactsStore';

/**
 * The digests of the tags one cycle chooses, for images that pin digests:
 * one HEAD per repository and tag per cycle, however many entities ask.
 * A new reader per cycle, so `Always` sees a tag pushed again next cycle.
 */
export class CycleDigestReader {
  private readonly reads = new Map<string, Promise<string>>();
  private readonly observed: Array<{ repository: string; digest: TagDigest }> =
    [];

  constructor(
    private readonly options: {
      registry: RegistryClient;
      facts: RegistryFactsStore;
      now: () => number;
    },
  ) {}

  /** The digest `tag` points to now; rejects with the registry's typed error. */
  digestOf(
    image: Pick<ImageReference, 'registry' | 'repository'>,
    repository: string,
    tag: string,
  ): Promise<string> {
    const key = `${repository}\u0000${tag}`;
    let read = this.reads.get(key);
    if (!read) {
      read = this.options.registry.getDigest(image, tag).then(digest => {
        this.observed.push({
          repository,
          digest: { tag, digest, observedAt: this.options.now() },
        });
        return digest;
      });
      this.reads.set(key, read);
    }
    return read;
  }

  /** Keeps what the cycle read, for newest-build and the card. */
  async save(): Promise<void> {
    const byRepository = new Map<string, TagDigest[]>();
    for (const { repository, digest } of this.observed.splice(0)) {
      const list = byRepository.get(repository) ?? [];
      list.push(digest);
      byRepository.set(repository, list);
    }
    for (const [repository, digests] of byRepository) {
      await this.options.facts.saveTagDigests(repository, digests);
    }
  }
}
