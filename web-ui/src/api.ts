// One place that talks to the gateway: CSRF header on state-changing calls, problem+json errors
// turned into readable messages, and the JSON shapes of the services.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: Record<string, string>;
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(describeProblem(problem));
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

export function describeProblem(p: Problem): string {
  const head = p.detail || p.title || `Request failed (${p.status})`;
  const fields = p.errors ? Object.entries(p.errors).map(([k, v]) => `${k}: ${v}`) : [];
  return fields.length ? `${head} — ${fields.join('; ')}` : head;
}

export function csrfToken(cookies: string = document.cookie): string | undefined {
  const match = cookies.split(';').map((c) => c.trim()).find((c) => c.startsWith('XSRF-TOKEN='));
  return match ? decodeURIComponent(match.substring('XSRF-TOKEN='.length)) : undefined;
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const method = (init.method || 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json, application/problem+json');
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers.set('X-XSRF-TOKEN', token);
  }
  const response = await fetch(path, { ...init, method, headers, credentials: 'same-origin' });
  if (!response.ok) {
    throw new ApiError(await readProblem(response));
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) return (await response.json()) as T;
  return (await response.text()) as unknown as T;
}

async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      const body = await response.json();
      return { status: response.status, ...body };
    } catch {
      // fall through: a broken error body still deserves a readable message
    }
  }
  const messages: Record<number, string> = {
    401: 'Your session has ended. Please log in again.',
    403: 'You are not allowed to do this.',
    413: 'The upload is too large.',
    429: 'Too many requests. Please wait a moment and retry.',
    503: 'The service is temporarily unavailable. Please retry shortly.',
  };
  return { status: response.status, title: response.statusText, detail: messages[response.status] };
}

export interface ModelRef { name: string; version: string }
export interface Detector { score: number; threshold: number; flagged: boolean }
export type Status = 'PENDING' | 'DONE' | 'FAILED';

export interface Prediction {
  id: string;
  status: Status;
  label?: string;
  confidence?: number;
  probabilities?: Record<string, number>;
  model?: ModelRef;
  detector?: Detector;
  error?: string;
}

export interface LabelScore { label: string; confidence: number }
/** The seed's epsilon slider values as the adversarial service publishes them. */
export interface AttackPreset { id?: string; label?: string; epsilon: number }

export interface Attack {
  id: string;
  status: Status;
  original?: LabelScore;
  adversarial?: LabelScore;
  success?: boolean;
  linf?: number;
  l2?: number;
  detector?: Detector;
  parameters?: { method: string; epsilon: number; targetLabel?: string };
  error?: string;
}

export interface HistoryRecord {
  id: string;
  kind: 'PREDICTION' | 'ATTACK' | 'BATCH_ITEM';
  label?: string;
  confidence?: number;
  imageId?: string;
  model?: ModelRef;
  detector?: Detector;
  batchId?: string;
  createdAt: string;
  attack?: { method: string; epsilon: number; success?: boolean; originalLabel?: string; adversarialLabel?: string };
}

/** One page of history; the service pages by cursor: pass nextCursor back as ?cursor= for the next. */
export interface HistoryPage { items: HistoryRecord[]; size: number; nextCursor?: string | null }
export interface Batch { id: string; total: number; done: number; failed: number; status: string }
export interface ModelCard {
  name: string;
  version: string;
  labels: string[];
  input?: { height: number; width: number; channels: number };
  metrics?: Record<string, number>;
  training?: Record<string, unknown>;
}
export interface RobustnessPoint { epsilon: number; accuracy: number; successRate: number }
export interface Me { name: string; roles: string[] }

function form(fields: Record<string, string | Blob | undefined>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && value !== '') data.append(key, value);
  }
  return data;
}

export const api = {
  me: () => request<Me>('/api/me'),
  predict: (file: File) => request<Prediction>('/api/predictions', { method: 'POST', body: form({ file }) }),
  prediction: (id: string, wait = 'PT5S') =>
    request<Prediction>(`/api/predictions/${encodeURIComponent(id)}?wait=${wait}`),
  attack: (file: File, p: { method: string; epsilon: number; steps?: number; targetLabel?: string }) =>
    request<Attack>('/api/attacks', {
      method: 'POST',
      body: form({
        file,
        method: p.method,
        epsilon: String(p.epsilon),
        steps: p.steps ? String(p.steps) : undefined,
        targetLabel: p.targetLabel,
      }),
    }),
  attackResult: (id: string, wait = 'PT5S') =>
    request<Attack>(`/api/attacks/${encodeURIComponent(id)}?wait=${wait}`),
  attackPresets: () => request<AttackPreset[]>('/api/attacks/presets'),
  history: (query: URLSearchParams) => request<HistoryPage>(`/api/history?${query}`),
  deleteRecord: (id: string) => request<void>(`/api/history/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  eraseAll: () => request<void>('/api/history', { method: 'DELETE' }),
  submitBatch: (files: File[]) => {
    const data = new FormData();
    files.forEach((f) => data.append('files', f));
    return request<Batch>('/api/batches', { method: 'POST', body: data });
  },
  batch: (id: string) => request<Batch>(`/api/batches/${encodeURIComponent(id)}`),
  robustness: (body: { imageIds: string[]; method: string; epsilons: number[] }) =>
    request<{ points: RobustnessPoint[] }>('/api/robustness', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  model: () => request<ModelCard>('/api/models'),
  modelVersions: () => request<ModelCard[]>('/api/models/versions'),
  activate: (name: string, version: string) =>
    request<void>(`/api/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/activate`, {
      method: 'POST',
    }),
};

/** Polls a long-polling endpoint until the job leaves PENDING. */
export async function untilDone<T extends { status: Status }>(
  fetchOnce: () => Promise<T>,
  onTick?: (attempt: number) => void,
  maxAttempts = 60,
): Promise<T> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    onTick?.(attempt);
    const result = await fetchOnce();
    if (result.status !== 'PENDING') return result;
  }
  throw new ApiError({ status: 504, detail: 'The result is taking unusually long. Check your history later.' });
}
