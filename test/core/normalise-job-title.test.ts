import { describe, expect, it } from 'vitest';
import { normaliseJobTitle } from '../../src/core/normalise-job-title.js';

describe('normaliseJobTitle', () => {
  it.each([
    ['Staff Nurse', 'staff nurse'],
    ['  STAFF   NURSE ', 'staff nurse'],
    ['SN', 'staff nurse'],
    ['Snr Staff Nurse - Band 6', 'senior staff nurse band 6'],
    ['Sr. Staff Nurse', 'senior staff nurse'],
    ['Senior SN (B6)', 'senior staff nurse band 6'],
    ['Band5 Staff Nurse', 'band 5 staff nurse'],
    ['Band 8a Manager', 'band 8a manager'],
    ['B8A mgr', 'band 8a manager'],
    ['Ward Mgr', 'ward manager'],
    ['Admin Asst', 'administrator assistant'],
    ['Admin & Clerical', 'administrator and clerical'],
    ['Estates+Facilities', 'estates and facilities'],
    ['HCA', 'healthcare assistant'],
    ['H.C.A.', 'healthcare assistant'],
    ['RN', 'registered nurse'],
    ['Dept Secretary', 'department secretary'],
    ['Med Sec', 'medical secretary'],
    ['IT Tech', 'information technology technician'],
    ['Pharmacy Technician', 'pharmacy technician'],
    ['Project Co-ord', 'project coordinator'],
    ['Project Co-ordinator', 'project coordinator'],
    ['Project Coord.', 'project coordinator'],
    ['A&E Nurse', 'accident and emergency nurse'],
    ['A & E Nurse', 'accident and emergency nurse'],
    ['Physio', 'physiotherapist'],
    ['Snr Physio', 'senior physiotherapist'],
    ['OT', 'occupational therapist'],
    ['SpR Cardiology', 'specialist registrar cardiology'],
    ['StR', 'specialty registrar'],
    ['FY1 Doctor', 'foundation year 1 doctor'],
    ['Clinical Nurse Specialist (CNS)', 'clinical nurse specialist clinical nurse specialist'],
    ['Sister/Charge Nurse', 'sister charge nurse'],
    ['Nurse’s Aide', 'nurses aide'],
    ['Técnico', 'tecnico'],
    ['Reg Nurse', 'reg nurse'], // registrar or registered? left alone
  ])('%j → %j', (raw, want) => {
    expect(normaliseJobTitle(raw)).toBe(want);
  });

  it.each([[undefined], [''], ['   '], ['-'], ['N/A'], ['n/a'], ['TBC'], ['Unknown'], ['none']])('%j → undefined', (raw) => {
    expect(normaliseJobTitle(raw)).toBeUndefined();
  });

  it('abbreviated and written-out titles meet', () => {
    expect(normaliseJobTitle('Snr HCA')).toBe(normaliseJobTitle('Senior Healthcare Assistant'));
    expect(normaliseJobTitle('Asst Dept Mgr')).toBe(normaliseJobTitle('Assistant Department Manager'));
    expect(normaliseJobTitle('Physio Tech')).toBe(normaliseJobTitle('Physiotherapist Technician'));
  });
});
