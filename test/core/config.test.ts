import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/core/config.js';

describe('parseConfig', () => {
  it('defaults reproduce the JML Pre-Matched Data Set scheme', () => {
    const { config, problems } = parseConfig(undefined);
    expect(problems).toEqual([]);
    expect(config.scheme.weights).toEqual({ email: 5, employeeNumber: 5, mobile: 4, lastName: 1, firstName: 1, fullName: 3, position: 1 });
    expect(config.scheme.threshold).toBe(6);
    expect(config.scheme.fuzzy.enabled).toBe(false);
  });

  it('merges partial settings over the defaults and ignores // comments', () => {
    const { config, problems } = parseConfig({ '//': 'note', scheme: { weights: { mobile: 3 }, threshold: 7 }, ad: { nhsmailIdAttribute: 'extensionAttribute10' } });
    expect(problems).toEqual([]);
    expect(config.scheme.weights.mobile).toBe(3);
    expect(config.scheme.weights.email).toBe(5);
    expect(config.scheme.threshold).toBe(7);
    expect(config.scheme.nhsmailIdPoints).toBe(7);
    expect(config.ad.nhsmailIdAttribute).toBe('extensionAttribute10');
    expect(DEFAULT_CONFIG.scheme.threshold).toBe(6);
  });

  it('returns every problem with its dotted path', () => {
    const { problems } = parseConfig({
      scheme: { weights: { email: 'five', bogus: 1 }, fuzzy: { enabled: 'yes', nameJaroWinkler: 2 } },
      inactivity: { nhsmailInactiveDays: 1.5 },
      columns: { esr: { employeeNumber: '' }, nowhere: {} },
      nhsDomains: 'nhs.net',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'scheme.weights.email: must be a number',
        'scheme.weights.bogus: unknown setting',
        'scheme.fuzzy.enabled: must be true or false',
        'scheme.fuzzy.nameJaroWinkler: must be between 0 and 1',
        'inactivity.nhsmailInactiveDays: must be a whole number',
        'columns.esr.employeeNumber: must be a header name',
        'columns.nowhere: unknown setting',
        'nhsDomains: must be a list of domain names',
      ]),
    );
  });

  it('rejects a review floor above the threshold', () => {
    expect(parseConfig({ scheme: { reviewFloor: 8 } }).problems).toContain('scheme.reviewFloor: must not be above scheme.threshold');
  });
});
