import { TemplateError, renderTemplate } from './renderTemplate';

const data = {
  Updated: {
    Images: [
      {
        Name: 'ghcr.io/acme/api',
        OldTag: '1.0.0',
        NewTag: '1.2.0',
        String: 'ghcr.io/acme/api:1.2.0',
      },
      {
        Name: 'ghcr.io/acme/worker',
        OldTag: '2.0.0',
        NewTag: '2.1.0',
        String: 'ghcr.io/acme/worker:2.1.0',
      },
    ],
  },
  Changed: {
    Changes: [{ OldValue: '1.0.0', NewValue: '1.2.0', Setter: 'api:tag' }],
  },
};

describe('renderTemplate', () => {
  it("refuses fields the data lacks, such as Flux's .AutomationObject", () => {
    const template = `Automated image update

Automation name: {{ .AutomationObject }}

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}`;
    expect(() => renderTemplate(template, data)).toThrow(TemplateError);
  });

  it('renders range over images with fields and trim markers', () => {
    const template = `chore: update images
{{ range .Updated.Images -}}
- {{ .Name }} from {{ .OldTag }} to {{ .NewTag }}
{{ end -}}`;
    expect(renderTemplate(template, data)).toBe(
      'chore: update images\n- ghcr.io/acme/api from 1.0.0 to 1.2.0\n- ghcr.io/acme/worker from 2.0.0 to 2.1.0\n',
    );
  });

  it('supports declared variables, $ and the String form of {{ . }}', () => {
    expect(
      renderTemplate(
        '{{ range $i, $img := .Updated.Images }}{{ $i }}={{ $img }};{{ end }}',
        data,
      ),
    ).toBe('0=ghcr.io/acme/api:1.2.0;1=ghcr.io/acme/worker:2.1.0;');
    expect(
      renderTemplate(
        '{{ range .Changed.Changes }}{{ .Setter }} {{ $.Updated.Images }}{{ end }}',
        { ...data, Updated: { Images: 'x' } },
      ),
    ).toBe('api:tag x');
  });

  it('supports if/else and empty ranges', () => {
    expect(
      renderTemplate(
        '{{ if .Updated.Images }}some{{ else }}none{{ end }}',
        data,
      ),
    ).toBe('some');
    expect(
      renderTemplate('{{ range .X }}a{{ else }}empty{{ end }}', { X: [] }),
    ).toBe('empty');
  });

  it('names what is wrong with a template', () => {
    expect(() => renderTemplate('{{ .Nope }}', data)).toThrow('no field Nope');
    expect(() => renderTemplate('{{ range .Updated.Images }}x', data)).toThrow(
      'missing {{ end }}',
    );
    expect(() => renderTemplate('{{ printf "%s" .X }}', data)).toThrow(
      'unsupported template action',
    );
  });
});
