import { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import {
  AutomationSpec,
  PolicySpec,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
import type {
  EntityRecord,
  ImageRecord,
  RepositoryRecord,
  WriteBackRecord,
} from '../domain/records';
import { apiImageBehind } from '../__testUtils__/imageFixtures';
import { applyWriteBack } from './applyWriteBack';
import { CheckInputs, CheckMemo, filesRead } from './CheckMemo';
import { CompiledImage, GitReading, evaluateEntity } from './evaluateEntity';
import { sameImages } from './imageChanges';

const entity = { entityRef: 'component:default/api' } as EntityRecord;

const inputs = (overrides: Partial<CheckInputs> = {}): CheckInputs => ({
  entity: 'digest-1',
  files: 'main\u0000a.yaml@abc',
  tagLists: '1',
  writeBack: '',
  ...overrides,
});

describe('CheckMemo', () => {
  it('keeps a version per tag list that moves only when the tags or their first-seen times do', () => {
    const memo = new CheckMemo();
    const first = memo.tagListVersion(
      'r',
      FirstSeenTags.fromRecord({ '1.0.0': 1, '1.1.0': 2 }),
    );
    expect(
      memo.tagListVersion(
        'r',
        FirstSeenTags.fromRecord({ '1.1.0': 2, '1.0.0': 1 }),
      ),
    ).toBe(first);
    const added = memo.tagListVersion(
      'r',
      FirstSeenTags.fromRecord({ '1.0.0': 1, '1.1.0': 2, '2': 3 }),
    );
    expect(added).not.toBe(first);
    const reseen = memo.tagListVersion(
      'r',
      FirstSeenTags.fromRecord({ '1.0.0': 1, '1.1.0': 5, '2': 3 }),
    );
    expect(reseen).not.toBe(added);
    expect(
      memo.tagListVersion('other', FirstSeenTags.fromRecord({ '1.0.0': 1 })),
    ).not.toBe(reseen);
    const removed = memo.tagListVersion(
      'r',
      FirstSeenTags.fromRecord({ '1.0.0': 1, '2': 3 }),
    );
    expect(removed).not.toBe(reseen);
  });

  it('answers a scan asked again by identity, and never for another repository', () => {
    const memo = new CheckMemo();
    const scan = FirstSeenTags.fromRecord({ '1.0.0': 1 });
    const version = memo.tagListVersion('a', scan);
    expect(memo.tagListVersion('a', scan)).toBe(version);
    const elsewhere = memo.tagListVersion('b', scan);
    expect(elsewhere).not.toBe(version);
    expect(
      memo.tagListVersion('a', FirstSeenTags.fromRecord({ '1.0.0': 1 })),
    ).toBe(version);
    expect(
      memo.tagListVersion('a', FirstSeenTags.fromRecord({ '1.0.0': 2 })),
    ).not.toBe(version);
  });

  it('answers only a check that reads the same as the last, over the images that check left', () => {
    const memo = new CheckMemo();
    const decided = [apiImageBehind('1.1.0')];
    expect(memo.recall(entity, inputs(), decided)).toBeUndefined();
    memo.remember(entity, inputs(), decided);

    // updatedAt aside, the stored images are the ones the check left: they are the answer.
    const stored = [{ ...apiImageBehind('1.1.0'), updatedAt: 9 }];
    expect(memo.recall(entity, inputs(), stored)).toBe(stored);
    for (const changed of [
      { entity: 'digest-2' },
      { files: 'main\u0000a.yaml@def' },
      { files: 'main\u0000a.yaml!' },
      { tagLists: '2' },
      { writeBack: '{"state":"declined"}' },
    ]) {
      expect(memo.recall(entity, inputs(changed), decided)).toBeUndefined();
    }
    // Somebody else (another replica) stored something else meanwhile.
    expect(
      memo.recall(entity, inputs(), [apiImageBehind('1.2.0')]),
    ).toBeUndefined();
    expect(memo.recall(entity, inputs(), [])).toBeUndefined();

    memo.forget(entity.entityRef);
    expect(memo.recall(entity, inputs(), decided)).toBeUndefined();
  });

  it('tells the files read apart by branch, blob and missing path', () => {
    const snapshot = (
      branch: string,
      files: Array<[string, string]>,
      missing: string[] = [],
    ) =>
      filesRead({
        branch,
        files: new Map(
          files.map(([path, blobSha]) => [
            path,
            { path, blobSha, content: '' },
          ]),
        ),
        missing,
      } as never);
    const base = snapshot('main', [['a.yaml', '1']]);
    expect(snapshot('main', [['a.yaml', '1']])).toBe(base);
    expect(snapshot('dev', [['a.yaml', '1']])).not.toBe(base);
    expect(snapshot('main', [['a.yaml', '2']])).not.toBe(base);
    expect(snapshot('main', [['a.yaml', '1']], ['b.yaml'])).not.toBe(base);
  });
});

/**
 * The memo answers a check with the images its last check decided. That is
 * sound because deciding is idempotent: fed its own result as the stored
 * images, with the same tags, files and write-back record, the evaluation
 * (and the write-back's folding in) decides the same images and tells no
 * new history. Checked here over random inputs.
 */
describe('deciding an entity is idempotent', () => {
  const NOW = 10_000_000;
  const TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0-rc.1', 'latest'];
  const POLICIES: PolicySpec[] = [
    { semver: { range: '^1.0.0' } },
    { semver: { range: '>=1.0.0' } },
    { semver: { range: '^3.0.0' } },
    { alphabetical: { order: 'asc' } },
  ] as PolicySpec[];

  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it('decides the same again over 2,000 random entities', () => {
    const next = random(42);
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
    let runs = 0;
    for (let run = 0; run < 2000; run++) {
      const names = ['api', 'worker'].slice(0, 1 + Math.floor(next() * 2));
      const spec = {
        images: names.map(name => ({
          name,
          image: `ghcr.io/acme/${name}`,
          policy: pick(POLICIES),
          files: [`${name}.yaml`],
          allowDowngrade: next() < 0.3,
        })),
        git: { mode: 'pull-request' },
      } as unknown as AutomationSpec;
      const record: EntityRecord = {
        entityRef: 'component:default/svc',
        mode: 'pull-request',
        spec,
        configProblems:
          next() < 0.1 ? [{ key: 'image-automation/x', message: 'typo' }] : [],
        nextDueAt: 0,
        lastSeenAt: NOW,
      };
      const compiled: CompiledImage[] = spec.images.map(i => ({
        name: i.name,
        image: i.image,
        repository: i.image,
        policy: createTagPolicy(i.policy),
      }));
      const scans = new Map<string, RepositoryRecord>(
        spec.images.map(i => [
          i.image,
          {
            repository: i.image,
            tags: FirstSeenTags.fromRecord(
              Object.fromEntries(
                TAGS.filter(() => next() < 0.7).map(t => [t, NOW - 1000]),
              ),
            ),
            lastScanAt: NOW,
            lastSuccessAt: NOW,
            consecutiveFailures: 0,
          },
        ]),
      );
      const git: GitReading = {
        kind: 'read',
        current: new Map(
          names.map(name => [
            name,
            next() < 0.1
              ? { problem: 'no marker' }
              : { tag: pick(TAGS), file: `${name}.yaml`, line: 3 },
          ]),
        ),
      } as GitReading;
      const writeBack: WriteBackRecord | undefined =
        next() < 0.5
          ? ({
              entityRef: record.entityRef,
              state: pick(['open', 'declined', 'merged', undefined]),
              prState: pick(['open', 'closed', undefined]),
              targetTags: Object.fromEntries(names.map(n => [n, pick(TAGS)])),
              declinedTags:
                next() < 0.3 ? { [names[0]]: pick(TAGS) } : undefined,
              note: next() < 0.3 ? 'closed by a person' : undefined,
              errorKind: next() < 0.2 ? 'git-conflict' : undefined,
              errorMessage: 'conflict',
            } as WriteBackRecord)
          : undefined;
      const decide = (previous: ImageRecord[], now: number) => {
        const evaluation = evaluateEntity({
          entity: record,
          compiled,
          git,
          scans,
          previous,
          now,
        });
        for (const i of evaluation.images) applyWriteBack(i, writeBack);
        return evaluation;
      };
      const first = decide([], NOW);
      const again = decide(first.images, NOW + 600_000);
      expect(sameImages(again.images, first.images)).toBe(true);
      expect(again.history).toEqual([]);
      expect(again.verdict).toEqual(first.verdict);
      expect(again.updates).toEqual(first.updates);
      runs++;
    }
    expect(runs).toBe(2000);
  });
});
