import { describe, expect, it, vi, afterEach } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ClassifyPage } from './pages/ClassifyPage';
import { AttackLabPage } from './pages/AttackLabPage';
import { HistoryPage } from './pages/HistoryPage';

afterEach(() => vi.unstubAllGlobals());

function json(status: number, body: unknown, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

describe('Classify page', () => {
  it('uploads the picked image, waits for the result and shows label, bars, detector and model', async () => {
    const fetchMock = vi.fn()
      .mockResolvedValueOnce(json(202, { id: 'p1', status: 'PENDING' }))
      .mockResolvedValueOnce(json(200, { id: 'p1', status: 'PENDING' }))
      .mockResolvedValueOnce(json(200, {
        id: 'p1', status: 'DONE', label: 'ship', confidence: 0.875,
        probabilities: { ship: 0.875, car: 0.1, bike: 0.025 },
        model: { name: 'aegis-demo', version: '2' }, detector: { score: 0.8, threshold: 0.5, flagged: true },
      }));
    vi.stubGlobal('fetch', fetchMock);
    render(<ClassifyPage />);

    await userEvent.upload(screen.getByLabelText('Choose an image'), new File(['png'], 'boat.png', { type: 'image/png' }));
    await userEvent.click(screen.getByRole('button', { name: 'Classify' }));

    expect(await screen.findByText('ship', { selector: 'strong' })).toBeInTheDocument();
    expect(screen.getByText(/87\.5% confidence/)).toBeInTheDocument();
    expect(screen.getByLabelText('Probabilities of every label').querySelectorAll('li')).toHaveLength(3);
    expect(screen.getByText('Suspected adversarial input')).toBeInTheDocument();
    expect(screen.getByText('Model aegis-demo version 2')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('shows the server problem detail when the upload is refused', async () => {
    vi.stubGlobal('fetch', vi.fn().mockImplementation(async () => json(415, {
      status: 415, title: 'Unsupported image', detail: 'the file is not an image (sniffed text/plain)',
    }, 'application/problem+json')));
    render(<ClassifyPage />);
    await userEvent.upload(screen.getByLabelText('Choose an image'), new File(['hello'], 'x.jpg', { type: 'image/jpeg' }));
    await userEvent.click(screen.getByRole('button', { name: 'Classify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the file is not an image (sniffed text/plain)');
  });

  it('says what the demo model was trained on', () => {
    vi.stubGlobal('fetch', vi.fn());
    render(<ClassifyPage />);
    expect(screen.getByText(/not on photos/)).toBeInTheDocument();
  });
});

describe('Attack lab', () => {
  it('sends method, epsilon preset and target, then shows both predictions and the download link', async () => {
    const fetchMock = vi.fn((url: string, init?: RequestInit) => {
      if (url === '/api/attacks/presets') return Promise.resolve(json(200, [{ id: 'p1', label: '0.2', epsilon: 0.02 }, { id: 'p2', label: '0.8', epsilon: 0.08 }]));
      if (url === '/api/models') return Promise.resolve(json(200, { name: 'm', version: '1', labels: ['bike', 'car', 'ship'] }));
      if (url === '/api/attacks' && init?.method === 'POST') return Promise.resolve(json(202, { id: 'a1', status: 'PENDING' }));
      return Promise.resolve(json(200, {
        id: 'a1', status: 'DONE', success: true, linf: 0.08, l2: 1.2,
        original: { label: 'car', confidence: 0.9 }, adversarial: { label: 'ship', confidence: 0.7 },
      }));
    });
    vi.stubGlobal('fetch', fetchMock);
    render(<AttackLabPage />);

    await userEvent.upload(screen.getByLabelText('Choose an image to attack'), new File(['png'], 'car.png', { type: 'image/png' }));
    await userEvent.click(await screen.findByRole('button', { name: '0.08' }));
    await userEvent.selectOptions(screen.getByLabelText('Target label (optional)'), await screen.findByRole('option', { name: 'ship' }));
    await userEvent.click(screen.getByRole('button', { name: 'Run attack' }));

    expect(await screen.findByText('The attack fooled the model.')).toBeInTheDocument();
    const post = fetchMock.mock.calls.find(([u, i]) => u === '/api/attacks' && i?.method === 'POST')!;
    const body = post[1]!.body as FormData;
    expect(body.get('method')).toBe('FGSM');
    expect(body.get('epsilon')).toBe('0.08');
    expect(body.get('targetLabel')).toBe('ship');
    expect(screen.getByRole('link', { name: 'Download adversarial PNG' })).toHaveAttribute('href', '/api/attacks/a1/image');
  });
});

describe('History page', () => {
  it('lists records with filters applied to the query and asks before erasing everything', async () => {
    const fetchMock = vi.fn().mockImplementation(async () => json(200, {
      items: [{ id: 'r1', kind: 'PREDICTION', label: 'bike', confidence: 0.5, createdAt: '2026-11-27T10:00:00Z' }],
      size: 1, nextCursor: null,
    }));
    vi.stubGlobal('fetch', fetchMock);
    const confirm = vi.fn().mockReturnValue(false);
    vi.stubGlobal('confirm', confirm);
    render(<HistoryPage />);

    expect(await screen.findByText(/bike/)).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Kind'), 'ATTACK');
    await waitFor(() => expect(String(fetchMock.mock.calls.at(-1)![0])).toContain('kind=ATTACK'));
    expect(String(fetchMock.mock.calls[0][0])).not.toContain('page=');

    await userEvent.click(screen.getByRole('button', { name: 'Erase all my data' }));
    expect(confirm).toHaveBeenCalled();
    expect(fetchMock.mock.calls.some(([, i]) => (i as RequestInit | undefined)?.method === 'DELETE')).toBe(false);
  });
});
