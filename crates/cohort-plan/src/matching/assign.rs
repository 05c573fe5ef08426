//! Maximum-cardinality, maximum-score capacitated assignment, with a dual certificate.
//!
//! The problem: rows (interns) to columns (mentors), column `j` taking at most `capacity[j]`
//! rows, each row at most one column, only along the given edges; first as many rows as
//! possible, then the highest total weight.
//!
//! How: every row gets a private "unmatched" column of cost `big`, so that the problem becomes a
//! min-cost assignment in which every row is placed. Weights become costs `top - weight` (never
//! negative), and `big` exceeds what `rows` matched edges can ever cost, so one more matched row
//! always beats any gain in weight: minimum cost means maximum cardinality first, then maximum
//! weight.
//!
//! The solver is the successive-shortest-path (Hungarian) method on that assignment: each row in
//! turn is placed by a Dijkstra search over reduced costs `cost - price[row] - price[column]`,
//! stopping at the first column with a free seat; prices are then updated so that reduced costs
//! stay non-negative and used edges stay at zero. A greedy first pass places every row whose
//! cheapest edge leads to a free seat, which is most rows in practice, so few searches run.
//!
//! The prices are the certificate. [`Solution::certificate`] checks, independently of how they
//! were found, that they satisfy every constraint of the linear-programming dual (each edge,
//! each private column, the sign of each column price, and that a column with a negative price
//! is full), then derives from the dual value alone the most rows any matching can match and
//! the highest total weight with that many. When those equal the solution's own figures, the
//! solution is optimal.

use super::Instance;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An assignment problem in compressed sparse rows.
#[derive(Debug, Clone)]
pub struct Problem {
    rows: usize,
    capacity: Vec<u32>,
    /// `start[r]..start[r + 1]` indexes row `r`'s edges.
    start: Vec<usize>,
    column: Vec<u32>,
    weight: Vec<i64>,
}

impl Problem {
    /// Builds a problem from each row's `(column, weight)` edges. Panics if an edge names a
    /// column outside `capacity` (callers validate input first).
    pub fn new<I, E>(capacity: Vec<u32>, rows: I) -> Problem
    where
        I: IntoIterator<Item = E>,
        E: IntoIterator<Item = (u32, i64)>,
    {
        let mut start = vec![0];
        let (mut column, mut weight) = (Vec::new(), Vec::new());
        for edges in rows {
            for (j, w) in edges {
                assert!((j as usize) < capacity.len(), "edge to unknown column {j}");
                column.push(j);
                weight.push(w);
            }
            start.push(column.len());
        }
        Problem {
            rows: start.len() - 1,
            capacity,
            start,
            column,
            weight,
        }
    }

    pub fn from_instance(instance: &Instance) -> Problem {
        Problem::new(
            instance.capacity.clone(),
            instance
                .pairs
                .iter()
                .map(|pairs| pairs.iter().map(|p| (p.mentor, p.score))),
        )
    }

    /// A complete `rows x columns` problem from a row-major weight matrix.
    pub fn dense(rows: usize, capacity: Vec<u32>, weights: &[i64]) -> Problem {
        let columns = capacity.len();
        assert_eq!(weights.len(), rows * columns, "a full matrix");
        Problem::new(
            capacity,
            (0..rows).map(|r| {
                weights[r * columns..(r + 1) * columns]
                    .iter()
                    .enumerate()
                    .map(|(j, &w)| (j as u32, w))
            }),
        )
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn edges(&self) -> usize {
        self.column.len()
    }

    /// The same problem seen from the other side: one row per seat (a column of capacity 2
    /// becomes two rows with the same edges), one column of capacity 1 per original row. Also
    /// returns which original column each seat belongs to.
    fn transposed(&self) -> (Problem, Vec<u32>) {
        let columns = self.capacity.len();
        let mut edges: Vec<Vec<(u32, i64)>> = vec![Vec::new(); columns];
        for row in 0..self.rows {
            for edge in self.edge_range(row) {
                edges[self.column[edge] as usize].push((row as u32, self.weight[edge]));
            }
        }
        let mut owner = Vec::new();
        let mut seat_rows = Vec::new();
        for (j, list) in edges.iter().enumerate() {
            for _ in 0..self.capacity[j] {
                owner.push(j as u32);
                seat_rows.push(list.clone());
            }
        }
        (Problem::new(vec![1; self.rows], seat_rows), owner)
    }

    /// Whether to solve from the other side. A row that cannot be matched costs a search over
    /// everything it can reach; when there are fewer seats than rows, searching from the seats
    /// leaves far fewer of those.
    fn solve_from_seats(&self) -> bool {
        let seats: u64 = self.capacity.iter().map(|&c| u64::from(c)).sum();
        seats < self.rows as u64
    }

    fn edge_range(&self, row: usize) -> std::ops::Range<usize> {
        self.start[row]..self.start[row + 1]
    }

    /// The constants that turn weights into costs: `(top, big)`. `top` is the highest weight,
    /// so every cost `top - weight` is at least 0; `big` is more than `rows` times the highest
    /// cost, so leaving a row unmatched costs more than any set of matched edges can save.
    fn cost_scale(&self) -> (i64, i64) {
        let top = self.weight.iter().copied().max().unwrap_or(0);
        let bottom = self.weight.iter().copied().min().unwrap_or(0);
        let spread = top - bottom;
        (top, (self.rows as i64 + 1) * (spread + 1))
    }
}

/// The assignment, its weight, and the prices that prove it.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Each row's column, or `None` when unmatched.
    pub assignment: Vec<Option<u32>>,
    pub total_score: i64,
    /// Shortest-path searches run after the greedy pass.
    pub searches: u64,
    prices: Prices,
}

/// The certificate's prices, for the problem as given or for its transpose.
#[derive(Debug, Clone)]
enum Prices {
    Direct {
        row_price: Vec<i64>,
        /// Columns first, then each row's private "unmatched" column.
        column_price: Vec<i64>,
    },
    /// Solved from the seats' side; the certificate is checked on the transposed problem,
    /// which [`Solution::certificate`] rebuilds from the problem it is given.
    Transposed(Box<Solution>),
}

/// What the certificate proves about every possible matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    pub max_matched: usize,
    pub max_score: i64,
}

const UNPLACED: u32 = u32::MAX;

/// Solves `problem` exactly.
pub fn solve(problem: &Problem) -> Solution {
    if !problem.solve_from_seats() {
        return solve_rows(problem);
    }
    let (transposed, owner) = problem.transposed();
    let inner = solve_rows(&transposed);
    let mut assignment = vec![None; problem.rows];
    for (seat, row) in inner.assignment.iter().enumerate() {
        if let Some(row) = row {
            assignment[*row as usize] = Some(owner[seat]);
        }
    }
    Solution {
        assignment,
        total_score: inner.total_score,
        searches: inner.searches,
        prices: Prices::Transposed(Box::new(inner)),
    }
}

/// Solves `problem` placing its rows one by one.
fn solve_rows(problem: &Problem) -> Solution {
    solve_rows_searching(problem, None)
}

/// [`solve_rows`], with the search mode forced (`Some(true)`: scanning) for tests.
fn solve_rows_searching(problem: &Problem, scan: Option<bool>) -> Solution {
    let rows = problem.rows;
    let columns = problem.capacity.len();
    let (top, big) = problem.cost_scale();
    let cost = |edge: usize| top - problem.weight[edge];
    let private = |row: usize| (columns + row) as u32;

    let mut row_price = vec![0_i64; rows];
    let mut column_price = vec![0_i64; columns + rows];
    let mut placed = vec![UNPLACED; rows];
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); columns];

    // Greedy pass: each row's price is its cheapest cost, which makes that edge tight; if its
    // column has a free seat, the row takes it.
    let mut pending = Vec::new();
    for row in 0..rows {
        let cheapest = problem
            .edge_range(row)
            .map(cost)
            .min()
            .unwrap_or(big)
            .min(big);
        row_price[row] = cheapest;
        let free_tight = problem.edge_range(row).find(|&edge| {
            let j = problem.column[edge] as usize;
            cost(edge) == cheapest && (members[j].len() as u32) < problem.capacity[j]
        });
        match free_tight {
            Some(edge) => {
                let j = problem.column[edge];
                placed[row] = j;
                members[j as usize].push(row as u32);
            }
            None => pending.push(row),
        }
    }

    // With many edges per row, a heap holds most of them after a few rows; scanning the
    // reached columns for the nearest is cheaper then (the classic O(n^2) Dijkstra).
    let dense =
        scan.unwrap_or(problem.edges() as u64 * 4 >= rows as u64 * columns as u64 && columns >= 64);
    let mut search = Search::new(columns + rows, rows, dense);
    let mut searches = 0;
    for row in pending {
        searches += 1;
        search.place(
            problem,
            row,
            top,
            big,
            &mut row_price,
            &mut column_price,
            &mut placed,
            &mut members,
        );
    }

    let assignment: Vec<Option<u32>> = (0..rows)
        .map(|row| {
            let j = placed[row];
            (j != private(row)).then_some(j)
        })
        .collect();
    let total_score = assignment
        .iter()
        .enumerate()
        .filter_map(|(row, column)| column.map(|j| weight_of(problem, row, j)))
        .sum();
    Solution {
        assignment,
        total_score,
        searches,
        prices: Prices::Direct {
            row_price,
            column_price,
        },
    }
}

fn weight_of(problem: &Problem, row: usize, column: u32) -> i64 {
    problem
        .edge_range(row)
        .find(|&edge| problem.column[edge] == column)
        .map(|edge| problem.weight[edge])
        .expect("an assigned row has an edge to its column")
}

/// Reusable Dijkstra state; only what a search touched is reset.
struct Search {
    column_distance: Vec<i64>,
    column_done: Vec<bool>,
    /// The row from which a column was reached.
    reached_from: Vec<u32>,
    row_distance: Vec<i64>,
    row_seen: Vec<bool>,
    touched_columns: Vec<u32>,
    seen_rows: Vec<u32>,
    done_columns: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Scan mode: reached columns not yet done, and those at the current nearest distance.
    scan: bool,
    todo: Vec<u32>,
    nearest: Vec<u32>,
}

impl Search {
    fn new(columns: usize, rows: usize, scan: bool) -> Search {
        Search {
            column_distance: vec![i64::MAX; columns],
            column_done: vec![false; columns],
            reached_from: vec![UNPLACED; columns],
            row_distance: vec![0; rows],
            row_seen: vec![false; rows],
            touched_columns: Vec::new(),
            seen_rows: Vec::new(),
            done_columns: Vec::new(),
            heap: BinaryHeap::new(),
            scan,
            todo: Vec::new(),
            nearest: Vec::new(),
        }
    }

    /// The next column to settle: the nearest reached column not yet done.
    fn next_column(&mut self) -> Option<(i64, usize)> {
        if !self.scan {
            while let Some(Reverse((distance, j))) = self.heap.pop() {
                let j = j as usize;
                if !self.column_done[j] && distance <= self.column_distance[j] {
                    return Some((distance, j));
                }
            }
            return None;
        }
        if self.nearest.is_empty() {
            // Take every column at the nearest distance at once: ties are common (many
            // reduced costs are zero), and one pass over the reached columns serves them all.
            let mut best = i64::MAX;
            for &j in &self.todo {
                let distance = self.column_distance[j as usize];
                if distance < best {
                    best = distance;
                    self.nearest.clear();
                }
                if distance == best {
                    self.nearest.push(j);
                }
            }
            let done = &self.column_distance;
            self.todo.retain(|&j| done[j as usize] != best);
            // Reversed so that popping takes them in the order reached.
            self.nearest.reverse();
        }
        self.nearest
            .pop()
            .map(|j| (self.column_distance[j as usize], j as usize))
    }

    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        problem: &Problem,
        start: usize,
        top: i64,
        big: i64,
        row_price: &mut [i64],
        column_price: &mut [i64],
        placed: &mut [u32],
        members: &mut [Vec<u32>],
    ) {
        let columns = problem.capacity.len();
        let is_free = |j: usize, placed: &[u32], members: &[Vec<u32>]| {
            if j < columns {
                (members[j].len() as u32) < problem.capacity[j]
            } else {
                placed[j - columns] != j as u32
            }
        };

        self.visit_row(problem, start, 0, top, big, row_price, column_price);
        let (terminal, reach) = loop {
            let (distance, j) = self
                .next_column()
                .expect("a row's own unmatched column is always reachable and free");
            self.column_done[j] = true;
            self.done_columns.push(j as u32);
            if is_free(j, placed, members) {
                break (j, distance);
            }
            // A full column leads on to the rows sitting in it, along tight (zero) edges.
            if j < columns {
                for &row in &members[j] {
                    let row = row as usize;
                    if !self.row_seen[row] {
                        self.visit_row(problem, row, distance, top, big, row_price, column_price);
                    }
                }
            } else {
                let row = j - columns;
                if !self.row_seen[row] {
                    self.visit_row(problem, row, distance, top, big, row_price, column_price);
                }
            }
        };

        // New prices: reduced costs stay non-negative, and every edge on the path becomes tight.
        for &j in &self.done_columns {
            let j = j as usize;
            column_price[j] -= reach - self.column_distance[j];
        }
        for &row in &self.seen_rows {
            let row = row as usize;
            row_price[row] += reach - self.row_distance[row];
        }

        // Shift each row on the path one column along, from the free seat back to the start.
        let mut column = terminal;
        loop {
            let row = self.reached_from[column] as usize;
            let previous = placed[row];
            if previous != UNPLACED && (previous as usize) < columns {
                members[previous as usize].retain(|&r| r as usize != row);
            }
            placed[row] = column as u32;
            if column < columns {
                members[column].push(row as u32);
            }
            if row == start {
                break;
            }
            column = previous as usize;
        }

        for &j in &self.touched_columns {
            let j = j as usize;
            self.column_distance[j] = i64::MAX;
            self.column_done[j] = false;
            self.reached_from[j] = UNPLACED;
        }
        for &row in &self.seen_rows {
            self.row_seen[row as usize] = false;
        }
        self.touched_columns.clear();
        self.seen_rows.clear();
        self.done_columns.clear();
        self.heap.clear();
        self.todo.clear();
        self.nearest.clear();
    }

    #[allow(clippy::too_many_arguments)]
    fn visit_row(
        &mut self,
        problem: &Problem,
        row: usize,
        distance: i64,
        top: i64,
        big: i64,
        row_price: &[i64],
        column_price: &[i64],
    ) {
        self.row_seen[row] = true;
        self.row_distance[row] = distance;
        self.seen_rows.push(row as u32);
        let base = distance - row_price[row];
        let columns = problem.capacity.len();
        for edge in problem.edge_range(row) {
            let j = problem.column[edge] as usize;
            let candidate = base + (top - problem.weight[edge]) - column_price[j];
            self.relax(j, candidate, row);
        }
        let own = columns + row;
        self.relax(own, base + big - column_price[own], row);
    }

    fn relax(&mut self, column: usize, candidate: i64, row: usize) {
        if self.column_done[column] || candidate >= self.column_distance[column] {
            return;
        }
        if self.column_distance[column] == i64::MAX {
            self.touched_columns.push(column as u32);
            if self.scan {
                self.todo.push(column as u32);
            }
        }
        self.column_distance[column] = candidate;
        self.reached_from[column] = row as u32;
        if !self.scan {
            self.heap.push(Reverse((candidate, column as u32)));
        }
    }
}

impl Solution {
    /// Checks the prices against every dual constraint of `problem` and derives what they prove.
    /// An error names the first constraint that fails.
    pub fn certificate(&self, problem: &Problem) -> Result<Proof, String> {
        let (row_price, column_price) = match &self.prices {
            Prices::Direct {
                row_price,
                column_price,
            } => (row_price, column_price),
            Prices::Transposed(inner) => {
                // Check the transposed solution on a transpose built here from `problem`, and
                // that this solution is that one read from the other side.
                let (transposed, owner) = problem.transposed();
                let mut assignment = vec![None; problem.rows];
                for (seat, row) in inner.assignment.iter().enumerate() {
                    if let Some(row) = row {
                        if assignment[*row as usize].is_some() {
                            return Err(format!("row {row} holds two seats"));
                        }
                        assignment[*row as usize] = Some(owner[seat]);
                    }
                }
                if assignment != self.assignment || inner.total_score != self.total_score {
                    return Err("the assignment differs from the certified one".to_owned());
                }
                return inner.certificate(&transposed);
            }
        };
        let rows = problem.rows;
        let columns = problem.capacity.len();
        let (top, big) = problem.cost_scale();
        if row_price.len() != rows || column_price.len() != columns + rows {
            return Err("the prices do not fit the problem".to_owned());
        }
        let mut load = vec![0_u32; columns];
        for column in self.assignment.iter().flatten() {
            load[*column as usize] += 1;
        }
        for (j, (&held, &capacity)) in load.iter().zip(&problem.capacity).enumerate() {
            if held > capacity {
                return Err(format!("column {j} holds more rows than its capacity"));
            }
        }
        for (j, &price) in column_price.iter().enumerate() {
            if price > 0 {
                return Err(format!("column {j} has a positive price"));
            }
            let full = if j < columns {
                load[j] == problem.capacity[j]
            } else {
                self.assignment[j - columns].is_none()
            };
            if price < 0 && !full {
                return Err(format!("column {j} has a negative price but a free seat"));
            }
        }
        let mut primal: i128 = 0;
        let mut dual: i128 = 0;
        for (row, &u) in row_price.iter().enumerate() {
            dual += i128::from(u);
            for edge in problem.edge_range(row) {
                let j = problem.column[edge] as usize;
                if top - problem.weight[edge] - u - column_price[j] < 0 {
                    return Err(format!("the edge from row {row} to column {j} is violated"));
                }
            }
            let own = columns + row;
            if big - u - column_price[own] < 0 {
                return Err(format!("row {row}'s unmatched column is violated"));
            }
            primal += i128::from(match self.assignment[row] {
                Some(j) => top - weight_of(problem, row, j),
                None => big,
            });
        }
        for (&capacity, &price) in problem.capacity.iter().zip(column_price.iter()) {
            dual += i128::from(capacity) * i128::from(price);
        }
        for &price in &column_price[columns..] {
            dual += i128::from(price);
        }
        if primal != dual {
            return Err(format!(
                "the assignment costs {primal} but the prices prove only {dual}"
            ));
        }
        // Every assignment costs at least `dual`. Matching k rows costs at most
        // (rows - k) * big + k * spread < (rows - k + 1) * big, so no assignment matches more
        // than rows - floor(dual / big) rows, and one matching that many scores at most what
        // the remaining cost allows.
        let unmatched = dual / i128::from(big);
        let max_matched = rows as i128 - unmatched;
        let max_score = unmatched * i128::from(big) + max_matched * i128::from(top) - dual;
        Ok(Proof {
            max_matched: max_matched as usize,
            max_score: max_score as i64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Problem {
        // Two rows want column 0; row 0 can also use column 1.
        Problem::new(vec![1, 1], vec![vec![(0, 10), (1, 1)], vec![(0, 5)]])
    }

    #[test]
    fn more_rows_matched_beats_a_higher_weight() {
        let problem = small();
        let solution = solve(&problem);
        assert_eq!(solution.assignment, vec![Some(1), Some(0)]);
        assert_eq!(solution.total_score, 6);
        let proof = solution.certificate(&problem).unwrap();
        assert_eq!((proof.max_matched, proof.max_score), (2, 6));
    }

    fn prices(solution: &mut Solution) -> (&mut Vec<i64>, &mut Vec<i64>) {
        match &mut solution.prices {
            Prices::Direct {
                row_price,
                column_price,
            } => (row_price, column_price),
            Prices::Transposed(inner) => prices(inner),
        }
    }

    #[test]
    fn a_tampered_price_fails_the_certificate() {
        let problem = small();
        let mut solution = solve(&problem);
        prices(&mut solution).0[0] += 1;
        assert!(solution.certificate(&problem).is_err());
        let mut solution = solve(&problem);
        prices(&mut solution).1[1] = 1;
        assert!(solution
            .certificate(&problem)
            .unwrap_err()
            .contains("positive price"));
    }

    /// Three rows, one seat: solved from the seat's side.
    fn crowded() -> Problem {
        Problem::new(vec![1], vec![vec![(0, 4)], vec![(0, 9)], vec![(0, 1)]])
    }

    #[test]
    fn fewer_seats_than_rows_is_solved_from_the_seats_and_still_proven() {
        let problem = crowded();
        assert!(problem.solve_from_seats());
        let solution = solve(&problem);
        assert_eq!(solution.assignment, vec![None, Some(0), None]);
        let proof = solution.certificate(&problem).unwrap();
        assert_eq!((proof.max_matched, proof.max_score), (1, 9));
        let mut tampered = solution.clone();
        tampered.assignment = vec![Some(0), None, None];
        assert!(tampered.certificate(&problem).is_err());
        let mut tampered = solution;
        prices(&mut tampered).0[0] -= 1;
        assert!(tampered.certificate(&problem).is_err());
    }

    #[test]
    fn dense_problems_searched_by_scanning_reach_the_same_optimum_as_by_heap() {
        // A deterministic 80 x 80 matrix with many ties, solved in both search modes.
        let size = 80;
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let weights: Vec<i64> = (0..size * size)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 7) as i64
            })
            .collect();
        for capacity in [1, 2] {
            let problem = Problem::dense(size, vec![capacity; size], &weights);
            let by_scan = solve_rows_searching(&problem, Some(true));
            let by_heap = solve_rows_searching(&problem, Some(false));
            for solution in [&by_scan, &by_heap] {
                let proof = solution.certificate(&problem).unwrap();
                assert_eq!(proof.max_score, solution.total_score);
                assert_eq!(proof.max_matched, size);
            }
            assert_eq!(by_scan.total_score, by_heap.total_score);
        }
    }

    #[test]
    fn a_worse_assignment_with_the_same_prices_fails_the_certificate() {
        let problem = small();
        let mut solution = solve(&problem);
        solution.assignment = vec![Some(0), None];
        assert!(solution.certificate(&problem).is_err());
    }
}
