/** The part of an image reference a setter writes. */
export type ImageField = 'image' | 'tag' | 'name' | 'digest';

/** One image of an automation, as far as one manifest file is concerned. */
export interface ImageTarget {
  /** The policy name that setter markers refer to (a free string, e.g. `flux-system:podinfo`). */
  policy: string;
  /** Structured target, used when the file carries no marker for this policy. */
  container?: string;
}

/** Where a value sits in a manifest file. */
export interface ManifestLocation {
  file: string;
  /** 1-based line of the scalar's first character. */
  line: number;
  /** 0-based index of the YAML document in a multi-document file. */
  documentIndex: number;
  /** The document's `kind`, when it has one. */
  kind?: string;
  /** The document's `metadata.name`, when it has one. */
  name?: string;
  /** The container whose `image` this is, when the value sits in a pod spec. */
  container?: string;
}

/** One replaced scalar. */
export interface ManifestChange extends ManifestLocation {
  policy: string;
  field: ImageField;
  oldValue: string;
  newValue: string;
  /** The new image reference the value came from, as given to the rewriter. */
  image?: string;
}

/** A value that a marker or structured target points at, as the file holds it now. */
export interface FoundImage extends ManifestLocation {
  policy: string;
  field: ImageField;
  value: string;
}

export interface RewriteResult {
  /** The file's new content: the input with only the changed scalars replaced. */
  content: string;
  changes: ManifestChange[];
  found: FoundImage[];
  warnings: string[];
}
