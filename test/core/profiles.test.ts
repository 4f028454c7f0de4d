import { describe, expect, it } from 'vitest';
import { PROFILES, detectSource, headerKey, resolveHeaders } from '../../src/core/profiles.js';

describe('profiles', () => {
  it('matches headers case-, space- and punctuation-insensitively', () => {
    expect(headerKey(' Employee_Number ')).toBe(headerKey('employee number'));
    const r = resolveHeaders(PROFILES.esr, ['EMPLOYEE NUMBER', 'forename', 'Family Name', 'Work Email']);
    expect(r.index).toEqual({ employeeNumber: 0, firstName: 1, lastName: 2, email: 3 });
    expect(r.missing).toEqual([]);
  });

  it('a config mapping wins over synonyms and names missing required fields', () => {
    const r = resolveHeaders(PROFILES.esr, ['Staff No', 'Given', 'Surname'], { employeeNumber: 'Staff No', firstName: 'Given' });
    expect(r.index['employeeNumber']).toBe(0);
    expect(r.index['firstName']).toBe(1);
    const bad = resolveHeaders(PROFILES.esr, ['Something', 'Surname']);
    expect(bad.missing).toEqual(['employeeNumber', 'firstName']);
  });

  it('reports unmapped and duplicate headers', () => {
    const r = resolveHeaders(PROFILES.nhsmail, ['Email Address', 'First Name', 'Last Name', 'Favourite Colour', 'email address']);
    expect(r.unmapped).toContain('Favourite Colour');
    expect(r.duplicates).toEqual(['email address']);
  });

  it('a TIS login file needs a username or an email', () => {
    expect(resolveHeaders(PROFILES['tis-logins'], ['lastLogin']).missing).toEqual(['username or email']);
    expect(resolveHeaders(PROFILES['tis-logins'], ['emailAddress', 'lastLogin']).missing).toEqual([]);
  });

  it.each([
    [['Employee Number', 'Assignment Number', 'First Name', 'Last Name', 'Position Title', 'Organisation'], 'esr'],
    [['Email Address', 'NHSmail unique ID', 'First Name', 'Last Name', 'Account Status', 'Last Logon'], 'nhsmail'],
    [['DistinguishedName', 'Enabled', 'GivenName', 'Name', 'ObjectGUID', 'SamAccountName', 'SID', 'Surname', 'UserPrincipalName'], 'ad'],
    [['name', 'firstName', 'lastName', 'emailAddress', 'roles', 'designatedBodyCodes'], 'tis'],
    [['User Name', 'User Email', 'Site Role', 'Last Logged In At'], 'tableau'],
  ] as const)('detects %j as %s', (headers, source) => {
    expect(detectSource(headers)).toBe(source);
  });
});
