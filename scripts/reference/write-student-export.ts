/**
 * Writes test/fixtures/student-export: the seeded student of
 * test/model/seededStudent.ts saved by PlmNewsEncoder.save, in Hugging Face
 * layout. Run it on the wasm backend, then rerun student_export_reference.py:
 *
 *     npx tsx scripts/reference/write-student-export.ts
 *     .cache/venv/bin/python scripts/reference/student_export_reference.py
 */
import { rm } from 'node:fs/promises';
import { selectBackend } from '../../framework/backend/selectBackend.ts';
import { STUDENT_EXPORT, seededStudent } from '../../test/model/seededStudent.ts';

await selectBackend('wasm');
const { encoder } = await seededStudent();
await rm(STUDENT_EXPORT, { recursive: true, force: true });
await encoder.save(STUDENT_EXPORT);
encoder.dispose();
console.log(`wrote ${STUDENT_EXPORT}`);
